using AkkaTcp.Configuration;

namespace AkkaTcp.Host.Hosting;

/// <summary>The console host's own settings (<c>akka-tcp.host</c>), validated like the library's.</summary>
internal sealed record HostSettings(int OpenFilesReserve)
{
    public const string Path = "akka-tcp.host";

    public static HostSettings Read(Akka.Configuration.Config config) =>
        new(new ConfigReader(config, "").Section(Path).Int("open-files-reserve", 0, 1_000_000));
}
