namespace AkkaTcp;

/// <summary>
/// Turns on .NET's inline socket completions (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>)
/// unless the environment already says otherwise. By default a completed receive or send is handed
/// from the epoll thread to the thread pool, and Akka.IO's completion handler then only Tells its
/// connection actor — which schedules that actor on the thread pool again. Run inline, the epoll
/// thread Tells the actor itself: one thread-pool hop less per socket operation (measured:
/// src/AkkaTcp.Bench/README.md). Safe because Akka.IO's handler never blocks (it is one Tell). The
/// console host and the load generator call it first thing; an application hosting the library
/// itself can do the same.
/// </summary>
public static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Must run before the first socket operation: the runtime reads the variable once, when its
    /// socket engine starts. Setting it to 0 in the environment keeps the default.
    /// </summary>
    public static void EnableUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
            Environment.SetEnvironmentVariable(Variable, "1");
    }
}
