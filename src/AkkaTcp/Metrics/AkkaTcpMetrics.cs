using System.Diagnostics.Metrics;

namespace AkkaTcp;

/// <summary>
/// The "AkkaTcp" meter (System.Diagnostics.Metrics), readable by OpenTelemetry, dotnet-counters
/// and MeterListener without code changes. Every instrument is tagged with the server's name;
/// closes also with their reason. Recording costs nothing measurable when nobody listens.
/// </summary>
public static class AkkaTcpMetrics
{
    public const string MeterName = "AkkaTcp";

    internal static readonly Meter Meter = new(MeterName);
    private static readonly UpDownCounter<long> Active = Meter.CreateUpDownCounter<long>("akkatcp.connections.active", "{connection}", "Connections being served");
    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>("akkatcp.connections.accepted", "{connection}", "TCP connections the listener got (served, queued or refused)");
    private static readonly Counter<long> Closed = Meter.CreateCounter<long>("akkatcp.connections.closed", "{connection}", "Connections ended, by reason");
    private static readonly Counter<long> Received = Meter.CreateCounter<long>("akkatcp.bytes.received", "By", "Bytes read from clients");
    private static readonly Counter<long> Sent = Meter.CreateCounter<long>("akkatcp.bytes.sent", "By", "Bytes written to clients (handed to the socket)");

    internal static void OnAccepted(string server) => Accepted.Add(1, Tag(server));

    internal static void OnServed(string server) => Active.Add(1, Tag(server));

    internal static void OnServedEnded(string server) => Active.Add(-1, Tag(server));

    internal static void OnClosed(string server, CloseReason reason) =>
        Closed.Add(1, Tag(server), new KeyValuePair<string, object?>("reason", reason.Name()));

    internal static void OnReceived(string server, int bytes)
    {
        if (Received.Enabled)
            Received.Add(bytes, Tag(server));
    }

    internal static void OnSent(string server, int bytes)
    {
        if (Sent.Enabled)
            Sent.Add(bytes, Tag(server));
    }

    private static KeyValuePair<string, object?> Tag(string server) => new("server", server);
}
