using Xunit;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// Tests that run alone, after the others, because on a loaded 2-core machine the rest of the
/// suite's load would decide their outcome: cluster members could miss heartbeats long enough to be
/// downed, and a host under a flood could not keep a bystander's round trips going.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
