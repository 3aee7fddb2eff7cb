namespace AkkaTcp;

/// <summary>How a drain ended: connections that closed during it, and those still open at drain-timeout.</summary>
public sealed record DrainResult(int Drained, int StillOpen, TimeSpan Elapsed);
