using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Event;
using AkkaTcp.Protocols.Resp;

namespace AkkaTcp.Keyspace;

/// <summary>
/// One partition of the resp keyspace: the string values of the keys that hash to it, with their
/// expiry. Expired keys are dropped lazily on access and by a periodic sweep.
/// </summary>
internal sealed class KeyspacePartition(KeyspaceSize size, int index) : UntypedActor, IWithTimers
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<byte[], Entry> _entries = new(ByteKeyComparer.Instance);
    private readonly HashSet<byte[]> _expiring = new(ByteKeyComparer.Instance);
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The replies of the batch being handled, if any, sent back together at its end; and the request's place in it.</summary>
    private object[]? _batchReplies;
    private int _batchIndex;

    protected override void PreStart() => Timers.StartPeriodicTimer(Sweep.Instance, Sweep.Instance, SweepInterval);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected override void OnReceive(object message)
    {
        OnMessage(message);
        size.Set(index, _entries.Count);
    }

    private void OnMessage(object message)
    {
        switch (message)
        {
            case KeyspaceBatch batch:
                var replies = new object[batch.Requests.Length];
                _batchReplies = replies;
                try
                {
                    for (_batchIndex = 0; _batchIndex < replies.Length; _batchIndex++)
                        HandleSafely(batch.Requests[_batchIndex]);
                }
                finally
                {
                    _batchReplies = null;
                }
                Sender.Tell(new KeyspaceResults(batch.Tag, replies));
                break;
            case Sweep:
                SweepExpired();
                break;
            default:
                HandleSafely(message);
                break;
        }
    }

    /// <summary>
    /// Handles one request; a request that throws (a bug, or a malformed message) gets an error
    /// reply of its own, in its place, and the partition keeps its keys and goes on.
    /// </summary>
    private void HandleSafely(object request)
    {
        try
        {
            if (Handle(request))
                return;
            if (_batchReplies is not null)
                Reply(new ErrorReply($"ERR unknown keyspace request {request.GetType().Name}")); // keeps the batch's replies in place
            else
                Unhandled(request);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Error(e, "Keyspace request {Request} failed", request.GetType().Name);
            Reply(new ErrorReply("ERR internal error: " + e.Message));
        }
    }

    private bool Handle(object request)
    {
        switch (request)
        {
            case GetValue get:
                Reply(Find(get.Key) is { } found ? new ValueReply(found.Value) : ValueReply.Missing);
                break;
            case SetValue set:
                OnSet(set);
                break;
            case DeleteKey delete:
                Reply(new CountReply(Find(delete.Key) is not null && Remove(delete.Key) ? 1 : 0));
                break;
            case KeyExists exists:
                Reply(new CountReply(Find(exists.Key) is null ? 0 : 1));
                break;
            case IncrementBy increment:
                OnIncrement(increment);
                break;
            case AppendValue append:
                var existing = Find(append.Key);
                var appended = existing is null ? append.Value : [.. existing.Value, .. append.Value];
                Put(append.Key, appended, existing?.ExpiresAt ?? 0);
                Reply(new CountReply(appended.Length));
                break;
            case ValueLength length:
                Reply(new CountReply(Find(length.Key)?.Value.Length ?? 0));
                break;
            case SetExpiry expiry:
                OnSetExpiry(expiry);
                break;
            case GetTimeToLive ttl:
                var entry = Find(ttl.Key);
                Reply(new CountReply(entry is null ? -2 : entry.ExpiresAt == 0 ? -1 : Math.Max(0, entry.ExpiresAt - Now)));
                break;
            case ListKeys list:
                OnListKeys(list);
                break;
            case CountKeys:
                SweepExpired();
                Reply(new CountReply(_entries.Count));
                break;
            case DescribeKeys:
                OnDescribeKeys();
                break;
            case FlushKeys:
                var count = _entries.Count;
                _entries.Clear();
                _expiring.Clear();
                Reply(new CountReply(count));
                break;
            default:
                return false;
        }
        return true;
    }

    private void OnDescribeKeys()
    {
        SweepExpired();
        var now = Now;
        long ttlTotal = 0;
        foreach (var key in _expiring)
            ttlTotal += Math.Max(0, _entries[key].ExpiresAt - now);
        Reply(new KeysDescription(_entries.Count, _expiring.Count, ttlTotal));
    }

    private void Reply(object reply)
    {
        if (_batchReplies is not null)
            _batchReplies[_batchIndex] = reply;
        else
            Sender.Tell(reply);
    }

    private void OnSet(SetValue set)
    {
        var existing = Find(set.Key);
        var allowed = set.Condition switch
        {
            SetCondition.IfMissing => existing is null,
            SetCondition.IfExists => existing is not null,
            _ => true,
        };
        var old = set.ReturnOld ? existing?.Value : null; // read before Put, which updates the entry in place
        if (allowed)
            Put(set.Key, set.Value, set.ExpiresAt);
        Reply(SetReply.Of(allowed, old));
    }

    private void OnIncrement(IncrementBy increment)
    {
        var existing = Find(increment.Key);
        long value = 0;
        if (existing is not null && !RespInteger.TryParse(existing.Value, out value))
        {
            Reply(new ErrorReply("ERR value is not an integer or out of range"));
            return;
        }
        long result;
        try
        {
            result = checked(value + increment.Delta);
        }
        catch (OverflowException)
        {
            Reply(new ErrorReply("ERR increment or decrement would overflow"));
            return;
        }
        Put(increment.Key, System.Text.Encoding.ASCII.GetBytes(result.ToString(System.Globalization.CultureInfo.InvariantCulture)), existing?.ExpiresAt ?? 0);
        Reply(new CountReply(result));
    }

    private void OnSetExpiry(SetExpiry expiry)
    {
        var entry = Find(expiry.Key);
        if (entry is null || (expiry.ExpiresAt == 0 && entry.ExpiresAt == 0))
        {
            Reply(new CountReply(0));
            return;
        }
        if (expiry.ExpiresAt != 0 && expiry.ExpiresAt <= Now)
            Remove(expiry.Key); // an expiry in the past deletes the key, as in Redis
        else
            Put(expiry.Key, entry.Value, expiry.ExpiresAt);
        Reply(new CountReply(1));
    }

    private void OnListKeys(ListKeys list)
    {
        SweepExpired();
        var keys = new List<byte[]>();
        var all = list.Pattern.AsSpan().SequenceEqual("*"u8); // as Redis: every key, the empty one too
        foreach (var key in _entries.Keys)
        {
            if (all || GlobPattern.Matches(list.Pattern, key))
                keys.Add(key);
        }
        Reply(new KeysReply(keys));
    }

    /// <summary>The live entry of a key, dropping it first if it has expired.</summary>
    private Entry? Find(byte[] key)
    {
        if (!_entries.TryGetValue(key, out var entry))
            return null;
        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= Now)
        {
            Remove(key);
            return null;
        }
        return entry;
    }

    private void Put(byte[] key, byte[] value, long expiresAt)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out _);
        if (entry is null)
            entry = new Entry(value, expiresAt);
        else
        {
            entry.Value = value;
            entry.ExpiresAt = expiresAt;
        }
        if (expiresAt != 0)
            _expiring.Add(key);
        else
            _expiring.Remove(key);
    }

    private bool Remove(byte[] key)
    {
        _expiring.Remove(key);
        return _entries.Remove(key);
    }

    private void SweepExpired()
    {
        if (_expiring.Count == 0)
            return;
        var now = Now;
        List<byte[]>? expired = null;
        foreach (var key in _expiring)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt <= now)
                (expired ??= new List<byte[]>()).Add(key);
        }
        if (expired is null)
            return;
        foreach (var key in expired)
            Remove(key);
    }

    // Updated in place when a key is set again: overwriting allocates no entry.
    private sealed class Entry(byte[] value, long expiresAt)
    {
        public byte[] Value { get; set; } = value;
        public long ExpiresAt { get; set; } = expiresAt;
    }

    private sealed class Sweep
    {
        public static readonly Sweep Instance = new();
    }
}
