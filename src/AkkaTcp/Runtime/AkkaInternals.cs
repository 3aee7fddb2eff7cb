using System.Net.Sockets;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Akka.Actor;

namespace AkkaTcp.Runtime;

/// <summary>
/// Readers of Akka's and .NET's private fields, for <see cref="HotObjects"/> only: what they return is
/// prefetched, never used. A field that a later version renames reads as absent (null).
/// </summary>
internal static class AkkaInternals
{
    private static readonly Type? TcpConnection = typeof(Akka.IO.Tcp).Assembly.GetType("Akka.IO.TcpConnection");
    private static readonly Type? FullActorState = typeof(ActorCell).Assembly.GetType("Akka.Actor.FullActorState");

    public static readonly Func<object, object?>? CellState = FieldReader(typeof(ActorCell), "_state");
    public static readonly Func<object, object?>? BehaviorStack = FieldReader(FullActorState, "_behaviorStack");
    public static readonly Func<object, object?>? BehaviorStackArray = FieldReader(typeof(Stack<Receive>), "_array");
    public static readonly Func<object, object?>? ReceiveArgs = FieldReader(TcpConnection, "_receiveArgs");
    public static readonly Func<object, object?>? SendArgs = FieldReader(TcpConnection, "_sendArgs");
    public static readonly Func<object, object?>? PendingWrites = FieldReader(TcpConnection, "_pendingWrites");
    public static readonly Func<object, object?>? PendingWritesArray = FieldReader(TcpConnection?.GetField("_pendingWrites", BindingFlags.Instance | BindingFlags.NonPublic)?.FieldType, "_array");
    public static readonly Func<object, object?>? Socket = FieldReader(TcpConnection, "Socket");
    public static readonly Func<object, object?>? ReceiveBuffer = FieldReader(TcpConnection, "_receiveBuffer");
    public static readonly Func<object, object?>? PendingAcks = FieldReader(TcpConnection?.GetNestedType("AckSocketAsyncEventArgs", BindingFlags.NonPublic), "PendingAcks");
    public static readonly Func<object, object?>? AsyncContext = FieldReader(typeof(SafeSocketHandle), "_asyncContext");

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Actor")]
    public static extern ActorBase? Actor(ActorCell cell);

    public static bool IsFullActorState(object? state) => state is not null && state.GetType() == FullActorState;

    private static Func<object, object?>? FieldReader(Type? type, string name)
    {
        var field = type?.GetField(name, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (type is null || field is null || field.FieldType.IsValueType)
            return null;
        var method = new DynamicMethod("read_" + name, typeof(object), [typeof(object)], typeof(AkkaInternals).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        il.Emit(OpCodes.Ldarg_0);
        il.Emit(OpCodes.Castclass, type);
        il.Emit(OpCodes.Ldfld, field);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<Func<object, object?>>();
    }
}
