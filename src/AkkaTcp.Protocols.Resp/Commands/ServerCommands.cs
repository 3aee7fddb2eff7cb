using System.Text;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>The commands a connection answers itself: connection state, INFO, CONFIG, CLIENT, COMMAND.</summary>
internal static class ServerCommands
{
    private static readonly CommandSpec Describe = CommandTable.Named("__DESCRIBE");
    private static readonly CommandSpec ResetStats = CommandTable.Named("__RESETSTAT");

    public static void Ping(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        if (h.Subscriptions > 0 && command.Count <= 2) RespHandler.SubscribedPing(command, c);
        else if (command.Count == 1) c.Reply(RespReply.Simple("PONG"u8));
        else if (command.Count == 2) c.Reply(RespReply.Bulk(command[1]));
        else WrongArity(c, "ping");
    }

    public static void Echo(RespHandler h, RespCommand command, IConnectionContext<RespReply> c) => c.Reply(RespReply.Bulk(command[1]));

    public static void Select(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        if (!Arg.TryLong(command[1], out var db))
            c.Reply(RespReply.Error("ERR value is not an integer or out of range"u8));
        else
            c.Reply(db == 0 ? RespReply.Simple("OK"u8) : RespReply.Error("ERR DB index is out of range"u8));
    }

    public static void Quit(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        c.Reply(RespReply.Simple("OK"u8));
        c.Close();
    }

    public static void Time(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var micros = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        c.Reply(RespReply.Array(2));
        c.Reply(RespReply.Bulk(Arg.Format(micros / 1_000_000)));
        c.Reply(RespReply.Bulk(Arg.Format(micros % 1_000_000)));
    }

    public static void Hello(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        if (command.Count >= 2 && !command[1].SequenceEqual("2"u8))
        {
            c.Reply(RespReply.Error("NOPROTO sorry, this protocol version is not supported"u8));
            return;
        }
        for (var i = 2; i < command.Count; i++)
        {
            if (Arg.Is(command[i], "SETNAME"u8) && i + 1 < command.Count)
                h.Client.Name = command[++i].ToArray();
            else if (Arg.Is(command[i], "AUTH"u8) && i + 2 < command.Count)
                i += 2; // no users here: every client is the default user
            else
            {
                c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR Syntax error in HELLO option '{Arg.Text(command[i])}'")));
                return;
            }
        }
        c.Reply(RespReply.Array(14));
        c.Reply(RespReply.Bulk("server"u8)); c.Reply(RespReply.Bulk("redis"u8));
        c.Reply(RespReply.Bulk("version"u8)); c.Reply(RespReply.Bulk(RespInfo.Version));
        c.Reply(RespReply.Bulk("proto"u8)); c.Reply(RespReply.Number(2));
        c.Reply(RespReply.Bulk("id"u8)); c.Reply(RespReply.Number(h.Client.Id));
        c.Reply(RespReply.Bulk("mode"u8)); c.Reply(RespReply.Bulk("standalone"u8));
        c.Reply(RespReply.Bulk("role"u8)); c.Reply(RespReply.Bulk("master"u8));
        c.Reply(RespReply.Bulk("modules"u8)); c.Reply(RespReply.Array(0));
    }

    /// <summary>A keyed command called without its key (OBJECT HELP).</summary>
    public static void WithoutKey(CommandSpec spec, RespCommand command, IConnectionContext<RespReply> c)
    {
        if (spec.Name == "OBJECT" && Arg.Is(command[1], "HELP"u8))
            Help(c, "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "ENCODING <key>", "FREQ <key>", "IDLETIME <key>", "REFCOUNT <key>", "HELP");
        else
            c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR unknown subcommand or wrong number of arguments for '{Arg.Text(command[1])}'. Try {spec.Name} HELP.")));
    }

    internal static void Help(IConnectionContext<RespReply> c, params string[] lines)
    {
        c.Reply(RespReply.Array(lines.Length));
        foreach (var line in lines)
            c.Reply(RespReply.Simple(Encoding.ASCII.GetBytes(line)));
    }

    internal static void WrongArity(IConnectionContext<RespReply> c, string name) =>
        c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR wrong number of arguments for '{name}' command")));

    internal static void UnknownSubcommand(IConnectionContext<RespReply> c, RespCommand command) =>
        c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR unknown subcommand '{Arg.Text(command[1])}'. Try {Arg.Text(command[0]).ToUpperInvariant()} HELP.")));

    public static void Client(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var sub = command[1];
        var client = h.Client;
        if (Arg.Is(sub, "SETNAME"u8) && command.Count == 3)
        {
            if (command[2].IndexOfAny((byte)' ', (byte)'\n') >= 0)
            {
                c.Reply(RespReply.Error("ERR Client names cannot contain spaces, newlines or special characters."u8));
                return;
            }
            client.Name = command[2].Length == 0 ? null : command[2].ToArray();
            c.Reply(RespReply.Simple("OK"u8));
        }
        else if (Arg.Is(sub, "GETNAME"u8) && command.Count == 2)
        {
            if (client.Name is { } name) c.Reply(RespReply.Bulk(name));
            else c.Reply(RespReply.Null);
        }
        else if (Arg.Is(sub, "ID"u8) && command.Count == 2)
            c.Reply(RespReply.Number(client.Id));
        else if (Arg.Is(sub, "SETINFO"u8) && command.Count == 4)
            c.Reply(RespReply.Simple("OK"u8));
        else if (Arg.Is(sub, "INFO"u8) && command.Count == 2)
            c.Reply(RespReply.Bulk(Encoding.UTF8.GetBytes(client.Describe())));
        else if (Arg.Is(sub, "LIST"u8))
            ClientList(h, command, c);
        else if (Arg.Is(sub, "KILL"u8) && command.Count >= 3)
            ClientKill(h, command, c);
        else if ((Arg.Is(sub, "NO-EVICT"u8) || Arg.Is(sub, "NO-TOUCH"u8)) && command.Count == 3)
        {
            var on = Arg.Is(command[2], "ON"u8);
            if (!on && !Arg.Is(command[2], "OFF"u8))
            {
                c.Reply(RespReply.Error("ERR syntax error"u8));
                return;
            }
            if (Arg.Is(sub, "NO-TOUCH"u8)) client.NoTouch = on;
            else client.NoEvict = on;
            c.Reply(RespReply.Simple("OK"u8));
        }
        else if (Arg.Is(sub, "HELP"u8))
            Help(c, "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GETNAME", "ID", "INFO", "KILL <ip:port>|ID <id>|ADDR <ip:port>|LADDR <ip:port>|SKIPME yes|no", "LIST [TYPE normal] [ID id ...]", "NO-EVICT on|off", "NO-TOUCH on|off", "SETNAME <name>", "SETINFO <attr> <value>", "HELP");
        else
            UnknownSubcommand(c, command);
    }

    private static void ClientList(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        HashSet<long>? ids = null;
        for (var i = 2; i < command.Count; i++)
        {
            if (Arg.Is(command[i], "TYPE"u8) && i + 1 < command.Count)
            {
                var type = Arg.Lower(command[++i]);
                if (type is not ("normal" or "master" or "replica" or "pubsub"))
                {
                    c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR Unknown client type '{type}'")));
                    return;
                }
                if (type != "normal")
                    ids = [];
            }
            else if (Arg.Is(command[i], "ID"u8) && i + 1 < command.Count)
            {
                ids ??= [];
                while (i + 1 < command.Count)
                {
                    if (!Arg.TryLong(command[++i], out var id) || id <= 0)
                    {
                        c.Reply(RespReply.Error("ERR Invalid client ID"u8));
                        return;
                    }
                    ids.Add(id);
                }
            }
            else
            {
                c.Reply(RespReply.Error("ERR syntax error"u8));
                return;
            }
        }
        var text = new StringBuilder();
        foreach (var client in h.Stats.Clients.All)
        {
            if (ids is null || ids.Contains(client.Id))
                text.Append(client.Describe());
        }
        c.Reply(RespReply.Bulk(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>CLIENT KILL ip:port (old form: OK or an error) or filters ID, ADDR, LADDR, SKIPME, TYPE (new form: how many were killed).</summary>
    private static void ClientKill(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        long? id = null;
        string? address = null, localAddress = null;
        var skipMe = true;
        var oldForm = command.Count == 3;
        if (oldForm)
            address = Arg.Text(command[2]);
        else
        {
            if (command.Count % 2 != 0)
            {
                c.Reply(RespReply.Error("ERR syntax error"u8));
                return;
            }
            for (var i = 2; i < command.Count; i += 2)
            {
                var value = command[i + 1];
                if (Arg.Is(command[i], "ID"u8))
                {
                    if (!Arg.TryLong(value, out var parsed) || parsed <= 0)
                    {
                        c.Reply(RespReply.Error("ERR client-id should be greater than 0"u8));
                        return;
                    }
                    id = parsed;
                }
                else if (Arg.Is(command[i], "ADDR"u8)) address = Arg.Text(value);
                else if (Arg.Is(command[i], "LADDR"u8)) localAddress = Arg.Text(value);
                else if (Arg.Is(command[i], "SKIPME"u8))
                {
                    if (Arg.Is(value, "YES"u8)) skipMe = true;
                    else if (Arg.Is(value, "NO"u8)) skipMe = false;
                    else
                    {
                        c.Reply(RespReply.Error("ERR syntax error"u8));
                        return;
                    }
                }
                else if (Arg.Is(command[i], "TYPE"u8))
                {
                    if (!Arg.Is(value, "NORMAL"u8))
                        id = -1; // no master, replica or pub/sub clients here
                }
                else if (Arg.Is(command[i], "USER"u8))
                {
                    if (!Arg.Is(value, "DEFAULT"u8))
                        id = -1;
                }
                else
                {
                    c.Reply(RespReply.Error("ERR syntax error"u8));
                    return;
                }
            }
        }
        var killed = 0;
        var killSelf = false;
        foreach (var client in h.Stats.Clients.All)
        {
            if ((id is { } wanted && client.Id != wanted) || (address is not null && client.Address != address)
                || (localAddress is not null && client.LocalAddress != localAddress))
                continue;
            if (ReferenceEquals(client, h.Client))
            {
                if (skipMe && !oldForm)
                    continue;
                killSelf = true;
            }
            else
                client.Actor.Tell(RespHandler.KillClient.Instance, Akka.Actor.ActorRefs.NoSender);
            h.Stats.Clients.Remove(client); // gone from CLIENT LIST at once, as in Redis, though its close takes a moment
            killed++;
        }
        if (!oldForm)
            c.Reply(RespReply.Number(killed));
        else if (killed == 0)
            c.Reply(RespReply.Error("ERR No such client"u8));
        else
            c.Reply(RespReply.Simple("OK"u8));
        if (killSelf)
            c.Close(); // after the reply, as Redis
    }

    public static void Info(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var sections = new List<string>();
        for (var i = 1; i < command.Count; i++)
            sections.Add(Arg.Lower(command[i]));
        h.Everywhere(Describe, [Describe.NameBytes, []], (handler, replies, _) =>
        {
            if (Combine.FirstError(replies) is { } error)
                return error;
            var keyspace = new RespInfo.KeyspaceFigures();
            foreach (var reply in replies)
                keyspace.Add(((ArrayValue)reply).Items);
            return RespValue.Bulk(RespInfo.Text(sections, handler, keyspace));
        }, c);
    }

    public static void Config(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        var sub = command[1];
        if (Arg.Is(sub, "GET"u8) && command.Count >= 3)
        {
            var matches = new List<KeyValuePair<string, string>>();
            foreach (var pair in RespInfo.ConfigValues(h))
            {
                for (var i = 2; i < command.Count; i++)
                {
                    if (GlobPattern.Matches(command[i], Encoding.ASCII.GetBytes(pair.Key)))
                    {
                        matches.Add(pair);
                        break;
                    }
                }
            }
            c.Reply(RespReply.Array(matches.Count * 2));
            foreach (var pair in matches)
            {
                c.Reply(RespReply.Bulk(Encoding.ASCII.GetBytes(pair.Key)));
                c.Reply(RespReply.Bulk(Encoding.ASCII.GetBytes(pair.Value)));
            }
        }
        else if (Arg.Is(sub, "SET"u8) && command.Count >= 4 && command.Count % 2 == 0)
            RespInfo.ConfigSet(h, command).Write(c);
        else if (Arg.Is(sub, "RESETSTAT"u8) && command.Count == 2)
        {
            h.Stats.ResetCounters();
            h.Everywhere(ResetStats, [ResetStats.NameBytes, []], Combine.Ok, c);
        }
        else if (Arg.Is(sub, "HELP"u8))
            Help(c, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "GET <pattern>", "SET <directive> <value>", "RESETSTAT", "HELP");
        else
            c.Reply(RespReply.Error(Encoding.UTF8.GetBytes($"ERR unknown subcommand or wrong number of arguments for '{Arg.Text(sub)}'. Try CONFIG HELP.")));
    }

    public static void Command(RespHandler h, RespCommand command, IConnectionContext<RespReply> c)
    {
        if (command.Count == 1)
        {
            CommandDocs.AllInfo.Write(c);
            return;
        }
        var sub = command[1];
        if (Arg.Is(sub, "COUNT"u8) && command.Count == 2)
            c.Reply(RespReply.Number(CommandTable.Public.Count()));
        else if (Arg.Is(sub, "INFO"u8))
        {
            var infos = new RespValue[command.Count - 2];
            for (var i = 2; i < command.Count; i++)
                infos[i - 2] = CommandTable.Find(command[i]) is { } spec ? CommandDocs.Info(spec) : RespValue.NullArray;
            (command.Count == 2 ? CommandDocs.AllInfo : RespValue.Array(infos)).Write(c);
        }
        else if (Arg.Is(sub, "DOCS"u8))
        {
            var specs = command.Count == 2 ? CommandTable.Public.ToList() : [];
            for (var i = 2; i < command.Count; i++)
            {
                if (CommandTable.Find(command[i]) is { } spec)
                    specs.Add(spec);
            }
            RespValue.Array(specs.SelectMany(CommandDocs.Docs).ToArray()).Write(c);
        }
        else if (Arg.Is(sub, "LIST"u8))
            RespValue.Array(CommandTable.Public.Select(spec => RespValue.Bulk(spec.LowerName)).ToArray()).Write(c);
        else if (Arg.Is(sub, "GETKEYS"u8) && command.Count >= 3)
        {
            var spec = CommandTable.Find(command[2]);
            var args = command.Count - 2;
            if (spec is null)
                c.Reply(RespReply.Error("ERR Invalid command specified"u8));
            else if (!spec.ArityFits(args))
                c.Reply(RespReply.Error("ERR Invalid number of arguments specified for command"u8));
            else
            {
                var keys = new List<RespValue>();
                foreach (var position in spec.KeyPositions(args))
                    keys.Add(RespValue.Bulk(command[2 + position].ToArray()));
                (keys.Count == 0 ? RespValue.Error("ERR The command has no key arguments") : RespValue.Array([.. keys])).Write(c);
            }
        }
        else
            UnknownSubcommand(c, command);
    }

}
