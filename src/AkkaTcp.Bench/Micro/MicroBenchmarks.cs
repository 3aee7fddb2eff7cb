using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AkkaTcp.Bench;

/// <summary>`akka-tcp-bench micro [BenchmarkDotNet args]`: the codec and write-path micro-benchmarks, with allocations.</summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        // In process: the tool's assembly name (akka-tcp-bench) is not its project's, which
        // BenchmarkDotNet's generated out-of-process project cannot find.
        var config = ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
