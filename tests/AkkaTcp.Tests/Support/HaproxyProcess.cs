using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// A real HAProxy (tcp mode) on a free loopback port in front of one backend, sending the PROXY
/// protocol header version 1 (send-proxy) or 2 (send-proxy-v2); stopped when disposed.
/// </summary>
public sealed class HaproxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _config;

    private HaproxyProcess(Process process, string config, int port)
    {
        _process = process;
        _config = config;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint EndPoint { get; }

    public static async Task<HaproxyProcess> StartAsync(IPEndPoint backend, int proxyVersion, Func<CancellationToken> within)
    {
        var port = ReusablePort.Next();
        var config = Path.Combine(Path.GetTempPath(), $"akkatcp-haproxy-{port}.cfg");
        await File.WriteAllTextAsync(config, $"""
            global
              maxconn 200
            defaults
              mode tcp
              timeout connect 5s
              timeout client 60s
              timeout server 60s
            frontend front
              bind 127.0.0.1:{port}
              default_backend back
            backend back
              server akkatcp {backend.Address}:{backend.Port} {(proxyVersion == 2 ? "send-proxy-v2" : "send-proxy")}

            """);
        var info = new ProcessStartInfo(ExternalTools.Find("haproxy") ?? "haproxy", ["-db", "-f", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start haproxy (apt-get install haproxy)");
        var haproxy = new HaproxyProcess(process, config, port);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException("haproxy exited: " + await process.StandardError.ReadToEndAsync());
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(haproxy.EndPoint, within());
                return haproxy;
            }
            catch (SocketException)
            {
                await Task.Delay(50, within()); // not listening yet
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        File.Delete(_config);
    }
}
