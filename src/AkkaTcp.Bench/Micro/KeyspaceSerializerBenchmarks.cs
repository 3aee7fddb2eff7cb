using System.Text;
using Akka.Actor;
using Akka.Serialization;
using AkkaTcp.Configuration;
using AkkaTcp.Keyspace;
using BenchmarkDotNet.Attributes;

namespace AkkaTcp.Bench;

/// <summary>
/// What a keyspace batch costs to cross members: resp's binary serializer against Akka's default
/// (Newtonsoft JSON, which Akka.Remote would use without a binding), a batch of one GET and a
/// pipelined batch of 16 SETs of 32-byte values, each serialized and read back. Bytes per message
/// are printed at setup.
/// </summary>
[MemoryDiagnoser]
public class KeyspaceSerializerBenchmarks
{
    private ActorSystem _system = null!;
    private Serializer _binary = null!;
    private Serializer _json = null!;
    private KeyspaceBatch _get = null!;
    private KeyspaceBatch _sets = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("serializers", AkkaTcpConfig.Reference);
        _binary = _system.Serialization.FindSerializerForType(typeof(KeyspaceBatch));
        _json = _system.Serialization.FindSerializerForType(typeof(object)); // the default for anything unbound: Newtonsoft JSON
        var get = Protocols.Resp.Commands.CommandTable.Named("GET");
        var set = Protocols.Resp.Commands.CommandTable.Named("SET");
        _get = new KeyspaceBatch(1, [new KeyCommand(get.Index, [get.NameBytes, Encoding.ASCII.GetBytes("key:000001")])]);
        _sets = new KeyspaceBatch(2, [.. Enumerable.Range(0, 16).Select(i =>
            new KeyCommand(set.Index, [set.NameBytes, Encoding.ASCII.GetBytes($"key:{i:000000}"), Encoding.ASCII.GetBytes(new string('v', 32))]))]);
        Console.WriteLine($"bytes: GET batch binary {_binary.ToBinary(_get).Length}, json {_json.ToBinary(_get).Length}; " +
                          $"16 SETs binary {_binary.ToBinary(_sets).Length}, json {_json.ToBinary(_sets).Length}");
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    private object RoundTrip(Serializer serializer, KeyspaceBatch batch) =>
        serializer is SerializerWithStringManifest manifested
            ? manifested.FromBinary(manifested.ToBinary(batch), manifested.Manifest(batch))
            : serializer.FromBinary(serializer.ToBinary(batch), typeof(KeyspaceBatch));

    [Benchmark(Baseline = true)]
    public object GetBatchBinary() => RoundTrip(_binary, _get);

    [Benchmark]
    public object GetBatchJson() => RoundTrip(_json, _get);

    [Benchmark]
    public object SetBatchBinary() => RoundTrip(_binary, _sets);

    [Benchmark]
    public object SetBatchJson() => RoundTrip(_json, _sets);
}
