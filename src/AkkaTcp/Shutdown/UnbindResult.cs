namespace AkkaTcp;

/// <summary>The port is closed; <paramref name="Cut"/> connections were still open and were reset.</summary>
public sealed record UnbindResult(int Cut);
