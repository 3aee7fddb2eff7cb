namespace AkkaTcp.Configuration;

/// <summary>
/// Ranch-style alarms (<c>alarms</c>): a warning logged when a server serves more than
/// <see cref="ConnectionsAbove"/> connections, or holds more than <see cref="WaitingAbove"/> in its
/// waiting room; each at most once per <see cref="Cooldown"/>. 0 turns an alarm off.
/// </summary>
public sealed record AlarmSettings(int ConnectionsAbove, int WaitingAbove, TimeSpan Cooldown)
{
    internal static AlarmSettings Read(ConfigReader config) => new(
        config.Int("connections-above", 0, 10_000_000),
        config.Int("waiting-above", 0, 10_000_000),
        config.Duration("cooldown", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)));
}
