using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Reflection;
using Akka.Actor;

namespace AkkaTcp.Runtime;

/// <summary>
/// The objects one request on a connection touches — its actor's cell, mailbox and state, and
/// Akka.IO's connection actor with its behaviour closures, socket arguments, write queue and
/// socket — gathered once so that <see cref="DeferredReads"/> can prefetch them before the
/// connection's turn. With a thousand connections these are no longer in the CPU's caches, and
/// their misses cost about a fifth of the request (src/AkkaTcp.Bench/README.md).
/// </summary>
internal static class HotObjects
{
    private const int Limit = 48;
    private static readonly ConcurrentDictionary<Type, FieldInfo[]> ClosureFields = new();
    private static long _listsGathered;
    private static readonly Type? CompiledClosure = Type.GetType("System.Runtime.CompilerServices.Closure, System.Linq.Expressions");

    /// <summary>How many lists were gathered in this process (once per busy connection).</summary>
    public static long ListsGathered => Volatile.Read(ref _listsGathered);

    /// <summary>
    /// Best effort: what cannot be read (another Akka version, or state changing under a read from
    /// this thread) is left out, since the list only guides prefetching.
    /// </summary>
    public static object[] Collect(IActorRef self, IActorRef socket, ReadOnlySpan<object?> own)
    {
        Interlocked.Increment(ref _listsGathered);
        var found = new List<object>(Limit);
        try
        {
            foreach (var o in own)
                Add(found, o);
            if (self is LocalActorRef ownRef)
                AddCell(found, ownRef.Cell);
            if (socket is LocalActorRef ioRef)
            {
                Add(found, ioRef);
                AddCell(found, ioRef.Cell);
                if (AkkaInternals.Actor(ioRef.Cell) is { } io)
                    AddConnection(found, io);
            }
        }
        catch (Exception)
        {
            // Racing reads of other actors' fields, or members a later version lacks: keep what was found.
        }
        return found.ToArray();
    }

    private static void AddCell(List<object> found, ActorCell cell)
    {
        Add(found, cell);
        var mailbox = cell.Mailbox;
        Add(found, mailbox);
        Add(found, mailbox?.MessageQueue);
        Add(found, AkkaInternals.Actor(cell));
        var state = AkkaInternals.CellState?.Invoke(cell);
        Add(found, state);
        if (AkkaInternals.IsFullActorState(state) && AkkaInternals.BehaviorStack?.Invoke(state!) is Stack<Receive> { Count: > 0 } stack)
        {
            Add(found, stack);
            Add(found, AkkaInternals.BehaviorStackArray?.Invoke(stack));
            Walk(found, stack.Peek(), 0);
        }
    }

    private static void AddConnection(List<object> found, ActorBase io)
    {
        var sendArgs = AkkaInternals.SendArgs?.Invoke(io);
        Add(found, AkkaInternals.ReceiveArgs?.Invoke(io));
        Add(found, sendArgs);
        if (sendArgs is not null)
            Add(found, AkkaInternals.PendingAcks?.Invoke(sendArgs));
        if (AkkaInternals.PendingWrites?.Invoke(io) is { } pending)
        {
            Add(found, pending);
            Add(found, AkkaInternals.PendingWritesArray?.Invoke(pending));
        }
        Add(found, AkkaInternals.ReceiveBuffer?.Invoke(io));
        if (AkkaInternals.Socket?.Invoke(io) is Socket socket)
        {
            Add(found, socket);
            Add(found, socket.SafeHandle);
            Add(found, AkkaInternals.AsyncContext?.Invoke(socket.SafeHandle));
        }
    }

    /// <summary>A behaviour delegate and the closures it calls through (ReceiveActor's handlers), a few levels deep.</summary>
    private static void Walk(List<object> found, Delegate behaviour, int depth)
    {
        if (depth > 5)
            return;
        Add(found, behaviour);
        var target = behaviour.Target;
        // A compiled expression's closure is shared by every actor of the type: cached anyway.
        if (target is null || target.GetType() == CompiledClosure || found.Contains(target))
            return;
        Add(found, target);
        if (!IsClosure(target.GetType()))
            return;
        foreach (var field in ClosureFields.GetOrAdd(target.GetType(), ReferenceFields))
        {
            var value = field.GetValue(target);
            if (value is Delegate inner)
                Walk(found, inner, depth + 1);
            else if (value is not null && IsClosure(value.GetType()))
                Add(found, value);
        }
    }

    private static bool IsClosure(Type type) =>
        type.Name.Contains("<>c__DisplayClass", StringComparison.Ordinal)
        || (type.Namespace?.StartsWith("Akka.Tools.MatchHandler", StringComparison.Ordinal) ?? false);

    private static FieldInfo[] ReferenceFields(Type type)
    {
        var fields = new List<FieldInfo>();
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (!field.FieldType.IsValueType)
                fields.Add(field);
        }
        return fields.ToArray();
    }

    private static void Add(List<object> found, object? o)
    {
        if (o is not null && found.Count < Limit)
            found.Add(o);
    }
}
