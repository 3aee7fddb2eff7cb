namespace AkkaTcp.Protocols;

/// <summary>
/// Turns bytes into frames. A frame may be a ref struct slicing the input (no copy); it is valid
/// only until the handler it is given to returns. Created per connection, so it may keep state.
/// </summary>
public interface IFrameDecoder<TFrame> where TFrame : allows ref struct
{
    /// <summary>
    /// Looks for one frame at the start of <paramref name="input"/>. On <see cref="DecodeStatus.Frame"/>
    /// <paramref name="consumed"/> is the number of bytes the frame took; on
    /// <see cref="DecodeStatus.Error"/> <paramref name="error"/> says why.
    /// </summary>
    DecodeStatus Decode(ReadOnlySpan<byte> input, out TFrame frame, out int consumed, out ProtocolError error);
}
