using System.Text;
using Google.Protobuf;

namespace Bridge.Kernel.Coordination.Etcd;

/// <summary>Keys as etcd addresses them: bytes, ranges <c>[key, range_end)</c>, prefixes as ranges.</summary>
public static class EtcdKeys
{
    /// <summary>The UTF-8 bytes of <paramref name="key"/>.</summary>
    public static ByteString Of(string key) => ByteString.CopyFromUtf8(key);

    /// <summary>A key's bytes as text (UTF-8).</summary>
    public static string Text(ByteString key) => key.ToStringUtf8();

    /// <summary>
    /// The <c>range_end</c> that makes a range of every key starting with <paramref name="prefix"/>: the prefix with its
    /// last byte below 0xff incremented and what follows dropped (etcd's <c>clientv3.GetPrefixRangeEnd</c>);
    /// <c>"\0"</c> (every key) when there is no such byte.
    /// </summary>
    public static ByteString PrefixEnd(string prefix)
    {
        var bytes = Encoding.UTF8.GetBytes(prefix);
        for (var i = bytes.Length - 1; i >= 0; i--)
            if (bytes[i] < 0xff)
            {
                bytes[i]++;
                return ByteString.CopyFrom(bytes, 0, i + 1);
            }
        return ByteString.CopyFrom(0);
    }
}
