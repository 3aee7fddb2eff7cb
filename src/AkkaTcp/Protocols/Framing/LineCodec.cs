using System.Buffers;

namespace AkkaTcp.Protocols;

/// <summary>
/// Frames ended by one delimiter byte (by default '\n'; then a '\r' before it is dropped too, so
/// "\r\n" clients work). A frame is a slice of the input, never a copy. A line longer than
/// <c>max-frame-size</c> is an error as soon as it is known to be too long, so an endless line
/// never buffers more than that.
/// </summary>
public sealed class LineCodec : IFrameDecoder<ReadOnlySpan<byte>>, IFrameEncoder<ReadOnlySpan<byte>>
{
    private readonly byte _delimiter;
    private readonly bool _dropCarriageReturn;
    private readonly int _maxFrameSize;
    private readonly string _tooLarge;

    public LineCodec(byte delimiter, int maxFrameSize)
    {
        _delimiter = delimiter;
        _dropCarriageReturn = delimiter == (byte)'\n';
        _maxFrameSize = maxFrameSize;
        _tooLarge = $"line too long (max-frame-size is {maxFrameSize} bytes)";
    }

    public byte Delimiter => _delimiter;

    public DecodeStatus Decode(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> frame, out int consumed, out ProtocolError error)
    {
        frame = default;
        consumed = 0;
        error = default;
        // Search no further than a frame may reach: an over-long line is refused without a full scan.
        var searchLength = Math.Min(input.Length, _maxFrameSize + (_dropCarriageReturn ? 2 : 1));
        var end = input[..searchLength].IndexOf(_delimiter);
        if (end < 0)
        {
            // Still possible only if it fits, or is one byte over and that byte is a '\r' to be dropped.
            var mayFit = input.Length <= _maxFrameSize
                || (_dropCarriageReturn && input.Length == _maxFrameSize + 1 && input[_maxFrameSize] == (byte)'\r');
            return mayFit ? DecodeStatus.NeedMoreData : TooLarge(out error);
        }
        consumed = end + 1;
        if (_dropCarriageReturn && end > 0 && input[end - 1] == (byte)'\r')
            end--;
        if (end > _maxFrameSize)
            return TooLarge(out error);
        frame = input[..end];
        return DecodeStatus.Frame;
    }

    public void Encode(ReadOnlySpan<byte> reply, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(reply.Length + 1);
        reply.CopyTo(span);
        span[reply.Length] = _delimiter;
        output.Advance(reply.Length + 1);
    }

    /// <summary>Encodes a line of text (UTF-8). Allocates: for replies that are rare or made of text anyway.</summary>
    public void EncodeText(string line, IBufferWriter<byte> output) => Encode(System.Text.Encoding.UTF8.GetBytes(line), output);

    private DecodeStatus TooLarge(out ProtocolError error)
    {
        error = new ProtocolError(CloseReason.FrameTooLarge, _tooLarge);
        return DecodeStatus.Error;
    }
}
