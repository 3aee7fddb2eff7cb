namespace AkkaTcp.Configuration;

/// <summary>A UDP server's limits (a server block's <c>udp { ... }</c>).</summary>
public sealed record DatagramSettings(int MaxDatagramSize, int RateLimitPerSource, int MaxReplyFactor)
{
    public static DatagramSettings Read(ConfigReader udp) => new(
        udp.ByteSize("max-datagram-size", 1, 65507),
        udp.Int("rate-limit-per-source", 0, 10_000_000),
        udp.Int("max-reply-factor", 1, 1000));
}
