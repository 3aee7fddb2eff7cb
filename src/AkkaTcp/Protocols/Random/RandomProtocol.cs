using AkkaTcp.Configuration;

namespace AkkaTcp.Protocols;

/// <summary>
/// Each line is answered with a random number: an empty line with one in [random.min, random.max],
/// a line "&lt;lo&gt; &lt;hi&gt;" with one in [lo, hi]; anything else gets an "ERR ..." line and the
/// connection stays open.
/// </summary>
public sealed class RandomProtocol : LineProtocol
{
    private readonly long _min;
    private readonly long _max;

    public RandomProtocol(ProtocolContext context) : base(context)
    {
        var random = context.Config.Section("random");
        _min = random.Long("min", long.MinValue, long.MaxValue);
        _max = random.Long("max", long.MinValue, long.MaxValue);
        if (_min > _max)
            throw new InvalidConfigException(random.FullKey("min"), _min.ToString(), $"must not be above random.max ({_max})");
    }

    protected override IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>> CreateHandler(ConnectionInfo connection) =>
        new RandomHandler(_min, _max);
}
