using System.Net;

namespace AkkaTcp.Tests.Support;

/// <summary>
/// Console hosts run as separate processes forming one Akka.Cluster on 127.0.0.1: each its own
/// remoting port and a resp server on a free port, all naming the same seed nodes.
/// </summary>
public sealed class ClusterNodes : IAsyncDisposable
{
    private readonly List<int> _remotingPorts;
    private readonly string _extraHocon;
    private readonly string _directory = Directory.CreateTempSubdirectory("akka-tcp-cluster-").FullName;

    /// <param name="seeds">How many of the nodes are seed nodes (the first ones).</param>
    /// <param name="extraHocon">Added to every node's configuration; {directory} stands for a directory the nodes share, deleted with them.</param>
    public ClusterNodes(int seeds, string extraHocon = "")
    {
        _remotingPorts = [.. Enumerable.Range(0, seeds).Select(_ => ReusablePort.Next())];
        _extraHocon = extraHocon.Replace("{directory}", _directory);
    }

    public List<Node> Nodes { get; } = [];

    /// <summary>The directory the nodes share ({directory} in their configuration).</summary>
    public string SharedDirectory => _directory;

    public sealed record Node(int Index, HostProcess Host, IPEndPoint Resp, string Address);

    /// <summary>Starts node <paramref name="index"/> (a seed node's port if it is one, else a new one) and waits until its resp server listens.</summary>
    public async Task<Node> StartAsync(int index, CancellationToken cancel, string nodeHocon = "")
    {
        while (_remotingPorts.Count <= index)
            _remotingPorts.Add(ReusablePort.Next());
        var seeds = string.Join(", ", _remotingPorts.Take(Math.Min(3, _remotingPorts.Count)).Select(p => $"\"akka.tcp://akka-tcp@127.0.0.1:{p}\""));
        var config = Path.Combine(_directory, $"node-{index}.hocon");
        await File.WriteAllTextAsync(config, $$"""
            akka-tcp.servers.main { host = "127.0.0.1", port = 0, protocol = resp, resp.partitions = 12 }
            akka-tcp.cluster {
              enabled = on
              port = {{_remotingPorts[index]}}
              seed-nodes = [{{seeds}}]
              down-unreachable-after = 3s
              acceptable-heartbeat-pause = 3s
            }
            akka.loglevel = INFO
            akka.log-dead-letters = off
            {{_extraHocon}}
            {{nodeHocon}}
            """, cancel);
        var host = HostProcess.Start("--config", config);
        var node = new Node(index, host, await host.WaitUntilListeningAsync(cancel), $"akka.tcp://akka-tcp@127.0.0.1:{_remotingPorts[index]}");
        Nodes.Add(node);
        return node;
    }

    /// <summary>Waits until <paramref name="node"/> logs that <paramref name="up"/> members are up.</summary>
    public static Task WaitForMembersAsync(Node node, int up, CancellationToken cancel) =>
        node.Host.WaitForLineAsync(line => line.Contains($"(members up: {up})") || line.Contains($"; members up: {up})"), cancel);

    /// <summary>Every node's output, for the test's log when it failed.</summary>
    public void WriteOutput(Xunit.Abstractions.ITestOutputHelper output)
    {
        foreach (var node in Nodes)
        {
            foreach (var line in node.Host.Output)
                output.WriteLine($"node {node.Index}: {line}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.Host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
