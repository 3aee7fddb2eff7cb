namespace AkkaTcp.Protocols.Resp.PubSub;

/// <summary>
/// resp.pubsub: Redis's client-output-buffer-limit for the pubsub class. A subscriber whose unsent
/// output passes <paramref name="HardLimit"/>, or stays above <paramref name="SoftLimit"/> for
/// <paramref name="SoftTime"/>, is reset; 0 turns a limit off.
/// </summary>
internal sealed record PubSubLimits(int HardLimit, int SoftLimit, TimeSpan SoftTime);
