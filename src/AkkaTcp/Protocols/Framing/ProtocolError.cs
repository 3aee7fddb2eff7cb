
namespace AkkaTcp.Protocols;

/// <summary>Why input was refused: the close reason it leads to and a message fit for the client.</summary>
public readonly record struct ProtocolError(CloseReason Reason, string Message);
