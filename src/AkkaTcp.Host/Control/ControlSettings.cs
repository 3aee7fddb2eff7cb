using AkkaTcp.Configuration;

namespace AkkaTcp.Host.Control;

/// <summary>The control endpoint (<c>akka-tcp.control</c>): json-rpc over TCP, for <c>akka-tcp ctl</c> and <c>akka-tcp top</c>.</summary>
internal sealed record ControlSettings(bool Enabled, string Host, int Port)
{
    public static ControlSettings Read(ConfigReader config) =>
        new(config.Bool("enabled"), config.String("host"), config.Int("port", 0, 65535));
}
