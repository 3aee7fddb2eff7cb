using System.Numerics;
using AkkaTcp.Keyspace;

namespace AkkaTcp.Protocols.Resp.Commands;

/// <summary>Bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS (bit 0 is the most significant bit of byte 0).</summary>
internal static class Bits
{
    private static readonly RespValue BadOffset = RespValue.Error("ERR bit offset is not an integer or out of range");
    private static readonly RespValue BadBit = RespValue.Error("ERR bit is not an integer or out of range");

    public static RespValue SetBit(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var offset) || offset < 0 || (offset >> 3) >= store.MaxStringLength)
            return BadOffset;
        if (!Arg.TryLong(args[3], out var bit) || bit is not (0 or 1))
            return BadBit;
        var entry = store.Find(args[1]);
        if (entry is not null && entry.Value is not byte[])
            return RespValue.WrongType;
        var value = entry?.Value as byte[] ?? [];
        var index = (int)(offset >> 3);
        var copy = new byte[Math.Max(value.Length, index + 1)];
        value.CopyTo(copy, 0);
        var mask = (byte)(0x80 >> (int)(offset & 7));
        var old = (copy[index] & mask) != 0 ? 1 : 0;
        copy[index] = (byte)(bit == 1 ? copy[index] | mask : copy[index] & ~mask);
        if (entry is null)
            store.Put(args[1], copy, 0);
        else
            store.Overwrite(args[1], entry, copy, entry.ExpiresAt);
        return RespValue.Integer(old);
    }

    public static RespValue GetBit(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var offset) || offset < 0 || (offset >> 3) >= store.MaxStringLength)
            return BadOffset;
        if (!store.TryRead<byte[]>(args[1], out var value))
            return RespValue.WrongType;
        var index = offset >> 3;
        if (value is null || index >= value.Length)
            return RespValue.Integer(0);
        return RespValue.Integer((value[index] & (0x80 >> (int)(offset & 7))) != 0 ? 1 : 0);
    }

    /// <summary>BITCOUNT key [start end [BYTE|BIT]].</summary>
    public static RespValue BitCount(KeyspaceStore store, byte[][] args)
    {
        if (args.Length is 3 or > 5)
            return RespValue.Syntax;
        // As Redis 7.0: the key is looked up before the range is read.
        if (!store.TryRead<byte[]>(args[1], out var value))
            return RespValue.WrongType;
        if (value is null)
            return RespValue.Integer(0);
        long start = 0, end = -1;
        var bitUnits = false;
        if (args.Length >= 4)
        {
            if (!Arg.TryLong(args[2], out start) || !Arg.TryLong(args[3], out end))
                return RespValue.NotInteger;
            if (args.Length == 5)
            {
                if (Arg.Is(args[4], "BIT"u8)) bitUnits = true;
                else if (!Arg.Is(args[4], "BYTE"u8)) return RespValue.Syntax;
            }
            if (start < 0 && end < 0 && start > end)
                return RespValue.Integer(0); // as Redis's BITCOUNT (not BITPOS), before counting from the end
        }
        if (!Range(value.Length, bitUnits, ref start, ref end, args.Length >= 4))
            return RespValue.Integer(0);
        long count = 0;
        for (var bit = start; bit <= end;)
        {
            if ((bit & 7) == 0 && bit + 7 <= end)
            {
                count += BitOperations.PopCount(value[bit >> 3]);
                bit += 8;
            }
            else
            {
                count += (value[bit >> 3] >> (7 - (int)(bit & 7))) & 1;
                bit++;
            }
        }
        return RespValue.Integer(count);
    }

    /// <summary>BITPOS key bit [start [end [BYTE|BIT]]].</summary>
    public static RespValue BitPos(KeyspaceStore store, byte[][] args)
    {
        if (!Arg.TryLong(args[2], out var bit) || bit is not (0 or 1))
            return RespValue.Error("ERR The bit argument must be 1 or 0.");
        // As Redis 7.0: the key is looked up after the bit and before the range.
        if (!store.TryRead<byte[]>(args[1], out var value))
            return RespValue.WrongType;
        if (value is null)
            return RespValue.Integer(bit == 1 ? -1 : 0);
        long start = 0, end = -1;
        var endGiven = args.Length >= 5;
        var bitUnits = false;
        if (args.Length > 6)
            return RespValue.Syntax;
        if (args.Length >= 4 && !Arg.TryLong(args[3], out start))
            return RespValue.NotInteger;
        if (endGiven && !Arg.TryLong(args[4], out end))
            return RespValue.NotInteger;
        if (args.Length == 6)
        {
            if (Arg.Is(args[5], "BIT"u8)) bitUnits = true;
            else if (!Arg.Is(args[5], "BYTE"u8)) return RespValue.Syntax;
        }
        if (!Range(value.Length, bitUnits, ref start, ref end, true))
            return RespValue.Integer(-1);
        for (var at = start; at <= end; at++)
        {
            if (((value[at >> 3] >> (7 - (int)(at & 7))) & 1) == bit)
                return RespValue.Integer(at);
        }
        // Looking for a clear bit with no end given: the string is as if padded with zeros on the right.
        if (bit == 0 && !endGiven)
            return RespValue.Integer(end + 1);
        return RespValue.Integer(-1);
    }

    /// <summary>Turns a byte or bit range with negative indexes into bit positions [start, end]; false if empty.</summary>
    private static bool Range(int length, bool bitUnits, ref long start, ref long end, bool given)
    {

        long size = bitUnits ? (long)length * 8 : length;
        if (!given)
        {
            start = 0;
            end = size - 1;
        }
        if (start < 0) start = size + start;
        if (end < 0) end = size + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= size) end = size - 1;
        if (start > end || size == 0)
            return false;
        if (!bitUnits)
        {
            start *= 8;
            end = end * 8 + 7;
        }
        return true;
    }
}
