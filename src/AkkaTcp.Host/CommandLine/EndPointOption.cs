using System.Net;

namespace AkkaTcp.Host.CommandLine;

/// <summary>A HOST:PORT option of the client verbs (--target, --control): an IP address and a port.</summary>
internal static class EndPointOption
{
    public static IPEndPoint Parse(string option, string text) =>
        IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0 ? endPoint
            : throw new UsageException($"{option} {text}: expected HOST:PORT with an IP address, e.g. 127.0.0.1:7000");
}
