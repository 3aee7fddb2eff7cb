using System.Text;
using Akka.Actor;
using AkkaTcp.Keyspace;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Tests.Keyspace;

/// <summary>Local keyspace partitions and the commands and replies of actor-level keyspace tests.</summary>
internal static class TestKeyspace
{
    public static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    public static KeyCommand Command(string name, params string[] args) =>
        new(CommandTable.Named(name).Index, [Bytes(name), .. args.Select(Bytes)]);

    public static string Text(RespValue value) => value switch
    {
        BulkValue bulk => Encoding.ASCII.GetString(bulk.Value),
        IntegerValue integer => integer.Value.ToString(),
        ErrorValue error => error.Text,
        SimpleValue simple => simple.Text,
        NullValue => "(nil)",
        ArrayValue array => "[" + string.Join(",", array.Items.Select(Text)) + "]",
        _ => value.GetType().Name,
    };

    /// <summary>
    /// Starts <paramref name="count"/> partitions of one local keyspace. Without <paramref name="gated"/>
    /// the partitions hold no gate: tests that tell them directly (not through the keyspace, which
    /// counts what a gate lets through) use that.
    /// </summary>
    public static (LocalKeyspace Keyspace, IActorRef[] Partitions) Start(ActorSystem system, int count, bool gated)
    {
        var partitions = new IActorRef[count];
        var gates = new PartitionGate[count];
        var keyspace = new LocalKeyspace(partitions, gates);
        for (var i = 0; i < count; i++)
        {
            gates[i] = new PartitionGate();
            partitions[i] = system.ActorOf(Props.Create<KeyspacePartition>(new KeyspaceSize(count), i, new CommandStats(false), 1L << 29,
                new MemoryLimit(0, EvictionPolicy.NoEviction, count), keyspace, null, gated ? gates[i] : null));
        }
        return (keyspace, partitions);
    }
}
