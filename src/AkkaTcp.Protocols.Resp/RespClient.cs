using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using AkkaTcp.Protocols.Resp.Commands;

namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// One resp connection as CLIENT LIST, CLIENT INFO and CLIENT KILL see it. Written by its own
/// connection, read by any other (a line of CLIENT LIST may be a moment old).
/// </summary>
internal sealed class RespClient(ConnectionInfo connection)
{
    private readonly long _created = Environment.TickCount64;
    private long _lastCommandAt = Environment.TickCount64;
    private volatile CommandSpec? _lastCommand;

    public long Id => connection.Id;
    public string Address => Format(connection.RemoteEndPoint);
    public string LocalAddress => Format(connection.LocalEndPoint);
    public volatile byte[]? Name;
    public volatile bool Blocked;
    /// <summary>CLIENT NO-TOUCH: this client's reads leave keys' idle times alone.</summary>
    public volatile bool NoTouch;
    public volatile bool NoEvict;
    /// <summary>Channels and patterns subscribed to (CLIENT LIST sub=, psub=).</summary>
    public volatile int Channels;
    public volatile int Patterns;
    public IActorRef Actor { get; set; } = ActorRefs.Nobody;

    public void OnCommand(CommandSpec command)
    {
        _lastCommand = command;
        Volatile.Write(ref _lastCommandAt, Environment.TickCount64);
    }

    private static string Format(System.Net.EndPoint? endPoint) => endPoint switch
    {
        System.Net.IPEndPoint ip when ip.Address.IsIPv4MappedToIPv6 => $"{ip.Address.MapToIPv4()}:{ip.Port}",
        System.Net.IPEndPoint ip => $"{ip.Address}:{ip.Port}",
        null => "",
        _ => endPoint.ToString() ?? "",
    };

    /// <summary>A CLIENT LIST line (Redis's fields; those with no meaning here are 0 or -1).</summary>
    public string Describe()
    {
        var now = Environment.TickCount64;
        var flags = Blocked ? "b" : Channels + Patterns > 0 ? "P" : NoEvict ? "e" : "N";
        return new StringBuilder()
            .Append("id=").Append(Id)
            .Append(" addr=").Append(Address)
            .Append(" laddr=").Append(LocalAddress)
            .Append(" fd=-1 name=").Append(Name is { } name ? Encoding.UTF8.GetString(name) : "")
            .Append(" age=").Append((now - _created) / 1000)
            .Append(" idle=").Append((now - Volatile.Read(ref _lastCommandAt)) / 1000)
            .Append(" flags=").Append(flags)
            .Append(" db=0 sub=").Append(Channels).Append(" psub=").Append(Patterns).Append(" ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r")
            .Append(" cmd=").Append(_lastCommand?.LowerName ?? "NULL")
            .Append(" user=default redir=-1 resp=2\n")
            .ToString();
    }
}

/// <summary>The connections of one resp server, by id.</summary>
internal sealed class RespClients
{
    private readonly ConcurrentDictionary<long, RespClient> _clients = new();

    public RespClient Add(ConnectionInfo connection)
    {
        var client = new RespClient(connection);
        _clients[client.Id] = client;
        return client;
    }

    public void Remove(RespClient client) => _clients.TryRemove(client.Id, out _);

    public IEnumerable<RespClient> All => _clients.Values.OrderBy(client => client.Id);

}
