namespace AkkaTcp.Protocols.Resp;

/// <summary>
/// A connection's argument arrays for the commands it runs in a partition at once: one array per
/// argument count, reused, since the partition keeps the arguments (byte arrays, copied afresh for
/// each command because a key or value may be stored) but never the array holding them.
/// </summary>
internal sealed class ArgumentArrays
{
    private const int Reused = 8; // more arguments than this are rare enough to allocate

    private readonly byte[][]?[] _byCount = new byte[Reused + 1][][];

    /// <summary>The command's arguments copied out of the received bytes, its name replaced by <paramref name="name"/>.</summary>
    public byte[][] Fill(RespCommand command, byte[] name)
    {
        var count = command.Count;
        var args = count <= Reused ? _byCount[count] ?? new byte[count][] : new byte[count][];
        if (count <= Reused)
            _byCount[count] = null; // taken: a nested use (none today) gets an array of its own
        return RespHandler.CopyInto(args, command, name);
    }

    /// <summary>The run is over: the array is cleared (so it holds no value alive) and kept for the next command.</summary>
    public void Release(byte[][] args)
    {
        if (args.Length > Reused)
            return;
        Array.Clear(args);
        _byCount[args.Length] = args;
    }
}
