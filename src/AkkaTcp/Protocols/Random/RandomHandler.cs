using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace AkkaTcp.Protocols;

/// <summary>Answers a line with a random number in the requested or default range.</summary>
internal sealed class RandomHandler : IFrameHandler<ReadOnlySpan<byte>, ReadOnlySpan<byte>>
{
    private static readonly byte[] BadRequest = Encoding.ASCII.GetBytes("ERR expected an empty line or \"<min> <max>\" (integers, min <= max)");

    private readonly long _defaultMin;
    private readonly long _defaultMax;
    private readonly byte[] _number = new byte[20]; // long.MinValue is 20 characters

    public RandomHandler(long defaultMin, long defaultMax)
    {
        _defaultMin = defaultMin;
        _defaultMax = defaultMax;
    }

    public void OnFrame(ReadOnlySpan<byte> frame, IConnectionContext<ReadOnlySpan<byte>> connection)
    {
        if (!TryParseRange(frame, out var min, out var max))
        {
            connection.Reply(BadRequest);
            return;
        }
        Utf8Formatter.TryFormat(Next(min, max), _number, out var written);
        connection.Reply(_number.AsSpan(0, written));
    }

    public void OnProtocolError(ProtocolError error, IConnectionContext<ReadOnlySpan<byte>> connection) =>
        connection.Reply(LineReplies.Error(error));

    private bool TryParseRange(ReadOnlySpan<byte> line, out long min, out long max)
    {
        line = line.Trim(" \t"u8);
        if (line.IsEmpty)
        {
            (min, max) = (_defaultMin, _defaultMax);
            return true;
        }
        max = 0;
        if (!Utf8Parser.TryParse(line, out min, out var used) || used == line.Length)
            return false;
        var rest = line[used..];
        var trimmed = rest.TrimStart(" \t"u8);
        if (trimmed.Length == rest.Length)
            return false; // the numbers must be separated by white space
        return Utf8Parser.TryParse(trimmed, out max, out used) && used == trimmed.Length && min <= max;
    }

    /// <summary>A uniform number in [min, max], both inclusive, for any 64-bit range.</summary>
    private static long Next(long min, long max)
    {
        if (max < long.MaxValue)
            return System.Random.Shared.NextInt64(min, max + 1);
        if (min > long.MinValue)
            return System.Random.Shared.NextInt64(min - 1, max) + 1;
        Span<byte> bits = stackalloc byte[sizeof(long)]; // the whole 64-bit range: any 64 random bits
        System.Random.Shared.NextBytes(bits);
        return BinaryPrimitives.ReadInt64LittleEndian(bits);
    }
}
