using Xunit;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// A test that runs a host out of file descriptors. It runs only with AKKATCP_EXHAUSTION_TESTS=1,
/// because at that point the .NET runtime itself can abort, which no server code can prevent.
/// </summary>
public sealed class ExhaustionFactAttribute : FactAttribute
{
    public ExhaustionFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("AKKATCP_EXHAUSTION_TESTS") != "1")
            Skip = "descriptor exhaustion can abort the .NET runtime itself; run with AKKATCP_EXHAUSTION_TESTS=1";
    }
}
