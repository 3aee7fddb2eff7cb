namespace AkkaTcp.Listening;

/// <summary>Shutdown step 1: admit nobody any more; a client arriving now is closed unserved. Answered with Akka.Done.</summary>
internal sealed class StopAccepting
{
    public static readonly StopAccepting Instance = new();
}

/// <summary>Shutdown step 2: every connection sends what it owes and closes; answered with <see cref="DrainResult"/>.</summary>
internal sealed class DrainConnections
{
    public static readonly DrainConnections Instance = new();
}

/// <summary>Shutdown step 3: close the port; connections still open are reset. Answered with <see cref="UnbindResult"/>.</summary>
internal sealed class UnbindListener
{
    public static readonly UnbindListener Instance = new();
}
