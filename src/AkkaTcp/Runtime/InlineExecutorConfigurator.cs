using Akka.Configuration;
using Akka.Dispatch;

namespace AkkaTcp.Runtime;

/// <summary>
/// The inline executor for a dispatcher block: <c>executor = "AkkaTcp.Runtime.InlineExecutorConfigurator, AkkaTcp"</c>,
/// with its settings in <c>inline-executor { max-runs = 64, from-thread-pool = off }</c> beside it
/// (AkkaTcp's reference.conf documents them). Actors on such a dispatcher must not block: they may
/// run on a socket engine thread, which then serves no other socket until they return.
/// </summary>
public sealed class InlineExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites) : ExecutorServiceConfigurator(config, prerequisites)
{
    private readonly int _maxRuns = Math.Max(1, config.GetInt("inline-executor.max-runs", 64));
    private readonly bool _fromThreadPool = config.GetBoolean("inline-executor.from-thread-pool", false);

    /// <inheritdoc />
    public override ExecutorService Produce(string id) => new InlineExecutor(id, _maxRuns, _fromThreadPool);
}
