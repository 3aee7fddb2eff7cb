namespace AkkaTcp.Protocols.Resp;

/// <summary>One RESP request: its arguments, sliced from the received bytes (no copy).</summary>
public readonly ref struct RespCommand
{
    private readonly ReadOnlySpan<byte> _input;
    private readonly ReadOnlySpan<Range> _args;

    public RespCommand(ReadOnlySpan<byte> input, ReadOnlySpan<Range> args)
    {
        _input = input;
        _args = args;
    }

    public int Count => _args.Length;

    public ReadOnlySpan<byte> this[int index] => _input[_args[index]];
}
