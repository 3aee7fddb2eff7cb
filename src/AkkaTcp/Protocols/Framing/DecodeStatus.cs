namespace AkkaTcp.Protocols;

/// <summary>What a decoder found at the start of its input.</summary>
public enum DecodeStatus
{
    /// <summary>No whole frame yet: wait for more bytes.</summary>
    NeedMoreData,

    /// <summary>A whole frame was decoded.</summary>
    Frame,

    /// <summary>The input can never become a valid frame (too large, malformed); the connection closes.</summary>
    Error,
}
