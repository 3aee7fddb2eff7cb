namespace AkkaTcp;

/// <summary>
/// A UDP server's counters: datagrams received, replies sent, and datagrams dropped: too large
/// (max-datagram-size), over a source's rate (rate-limit-per-source), reply larger than allowed
/// (max-reply-factor), or refused by the handler (a failure, or a reply only possible later).
/// </summary>
public sealed record DatagramStats(long Received, long Replied, long DroppedTooLarge, long DroppedRateLimited, long DroppedAmplification, long DroppedFailed);
