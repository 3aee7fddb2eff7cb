namespace AkkaTcp.Connections;

/// <summary>Sent by a connection actor to its listener when it stops, with the reason it closed.</summary>
internal sealed record ConnectionEnded(long Id, CloseReason Reason);
