namespace AkkaTcp.Protocols;

/// <summary>
/// A place reserved in a connection's output for a reply that comes later
/// (<see cref="IConnectionContext{TReply}.ReserveReply"/>, <see cref="IConnectionSink.ReserveReply"/>).
/// Good for one completion: completing it a second time throws <see cref="InvalidOperationException"/>
/// rather than writing a reply into a place that now belongs to another request.
/// </summary>
public readonly struct ReplyToken
{
    internal ReplyToken(object place, int generation)
    {
        Place = place;
        Generation = generation;
    }

    /// <summary>The reserved place (reused once completed: <see cref="Generation"/> tells uses apart).</summary>
    internal object Place { get; }

    internal int Generation { get; }
}
