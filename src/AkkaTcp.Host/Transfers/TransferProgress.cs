using Spectre.Console;

namespace AkkaTcp.Host.Transfers;

/// <summary>
/// A transfer's progress bar (Spectre.Console) on stderr, drawn only when stderr is a terminal, so
/// redirected output holds nothing but the summary line.
/// </summary>
internal static class TransferProgress
{
    /// <summary>The progress a transfer reports: bytes done, and the total once known (a download learns it from the server).</summary>
    public interface IReporter : IProgress<long>
    {
        void Report(long done, long total);
    }

    public static async Task<T> RunAsync<T>(string label, long? total, Func<IReporter, Task<T>> transfer)
    {
        if (Console.IsErrorRedirected)
            return await transfer(new Silent());
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: total ?? 1);
                var result = await transfer(new Bar(task));
                task.Value = task.MaxValue;
                return result;
            });
    }

    public static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    private sealed class Silent : IReporter
    {
        public void Report(long done)
        {
        }

        public void Report(long done, long total)
        {
        }
    }

    private sealed class Bar(ProgressTask task) : IReporter
    {
        public void Report(long done) => task.Value = done;

        public void Report(long done, long total)
        {
            task.MaxValue = Math.Max(total, 1);
            task.Value = done;
        }
    }
}
