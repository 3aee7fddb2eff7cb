using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace AkkaTcp.Runtime;

/// <summary>Asks the CPU to load an object's first cache lines ahead of use (a hint: nothing on CPUs without SSE).</summary>
internal static class CachePrefetch
{
    public static unsafe void Lines(object? target, int lines)
    {
        if (!Sse.IsSupported || target is null)
            return;
        // Should the GC move the object meanwhile, the hint only loads the wrong lines: a prefetch
        // never faults.
        var address = (byte*)Unsafe.As<object, nint>(ref target);
        for (var i = 0; i < lines; i++)
            Sse.Prefetch0(address + i * 64);
    }
}
