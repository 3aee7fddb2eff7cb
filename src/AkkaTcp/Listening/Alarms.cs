using Akka.Event;
using AkkaTcp.Configuration;

namespace AkkaTcp.Listening;

/// <summary>The listener's alarms: checked when a connection is admitted or queued, each logged at most once per cooldown.</summary>
internal sealed class Alarms(ILoggingAdapter log)
{
    private long? _connectionsAlarmAt;
    private long? _waitingAlarmAt;

    public void Check(ServerSettings settings, int active, int waiting)
    {
        var alarms = settings.Alarms;
        var now = Environment.TickCount64;
        var cooldown = (long)alarms.Cooldown.TotalMilliseconds;
        if (alarms.ConnectionsAbove > 0 && active > alarms.ConnectionsAbove && (_connectionsAlarmAt is not { } last || now - last >= cooldown))
        {
            _connectionsAlarmAt = now;
            log.Warning("Server {Server} alarm: {Active} connections served, above alarms.connections-above = {Limit} (max-connections is {Max})",
                settings.Name, active, alarms.ConnectionsAbove, settings.MaxConnections);
        }
        if (alarms.WaitingAbove > 0 && waiting > alarms.WaitingAbove && (_waitingAlarmAt is not { } lastWaiting || now - lastWaiting >= cooldown))
        {
            _waitingAlarmAt = now;
            log.Warning("Server {Server} alarm: {Waiting} clients waiting for a slot, above alarms.waiting-above = {Limit}",
                settings.Name, waiting, alarms.WaitingAbove);
        }
    }
}
