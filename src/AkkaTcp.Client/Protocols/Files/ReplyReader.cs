using System.Text;

namespace AkkaTcp.Client;

/// <summary>Reads a stream that mixes reply lines and raw bodies, through one buffer.</summary>
internal sealed class ReplyReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_start == 0 && _end == _buffer.Length)
                throw new FileTransferException("reply line too long");
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Copies the next <paramref name="count"/> bytes to <paramref name="onChunk"/>, chunk by chunk.</summary>
    public async Task ReadBodyAsync(long count, Func<ReadOnlyMemory<byte>, ValueTask> onChunk, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
                await FillAsync(cancellationToken).ConfigureAwait(false);
            var take = (int)Math.Min(count, _end - _start);
            await onChunk(_buffer.AsMemory(_start, take)).ConfigureAwait(false);
            _start += take;
            count -= take;
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
            throw new FileTransferException("the server closed the connection before the reply was complete");
        _end += read;
    }
}
