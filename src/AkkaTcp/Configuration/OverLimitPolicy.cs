namespace AkkaTcp.Configuration;

/// <summary>What happens to a client that arrives when max-connections are being served.</summary>
public enum OverLimitPolicy
{
    /// <summary>Hold it, unread, in the waiting room until a slot frees.</summary>
    Queue,

    /// <summary>Send the protocol's busy reply and close.</summary>
    Reject,
}
