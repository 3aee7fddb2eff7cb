namespace AkkaTcp.Configuration;

/// <summary>
/// New connections one client address may open (<c>max-accept-rate-per-ip</c>): a token bucket of
/// <see cref="Burst"/> connections refilled at <see cref="PerSecond"/>. A connection over it gets
/// the protocol's busy reply and is closed with reason rate-limited.
/// </summary>
public sealed record AcceptRate(int PerSecond, int Burst)
{
    public bool Enabled => PerSecond > 0;

    internal static AcceptRate Read(ConfigReader config) => new(
        config.Int("per-second", 0, 1_000_000),
        config.Int("burst", 1, 1_000_000));
}
