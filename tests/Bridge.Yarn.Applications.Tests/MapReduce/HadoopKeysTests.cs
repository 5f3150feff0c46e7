using System.Text;
using Bridge.Yarn.Applications.MapReduce;

namespace Bridge.Yarn.Applications.Tests.MapReduce;

public class HadoopKeysTests
{
    // Expected values worked from WritableComparator.hashBytes' definition (h = 1; h = 31h + (signed byte)),
    // and checked once against Java 17 running that loop over String.getBytes("UTF-8"):
    //   ""      → 1
    //   "a"     → 31·1 + 97 = 128
    //   "the"   → (31·(31·(31 + 116) + 104) + 101) = 144592
    //   "é"     → bytes C3 A9 = −61, −87: 31·(31 − 61) − 87 = −1017
    //   "hello" → 31⁵ + "hello".hashCode() = 28629151 + 99162322 = 127791473
    //   "Hello," → −1249564421 (wrapped); "日本語" → 1243476185; "😀" (F0 9F 98 80) → 350296
    [Theory]
    [InlineData("", 1, 1, 1)]
    [InlineData("a", 128, 2, 2)]
    [InlineData("the", 144592, 1, 0)]
    [InlineData("é", -1017, 2, 0)]
    [InlineData("hello", 127791473, 2, 5)]
    [InlineData("Hello,", -1249564421, 0, 2)]
    [InlineData("日本語", 1243476185, 2, 0)]
    [InlineData("😀", 350296, 1, 2)]
    public void TextHashCode_AndPartition_MatchJava(string word, int javaHash, int partitionOf3, int partitionOf7)
    {
        int hash = HadoopKeys.TextHashCode(Encoding.UTF8.GetBytes(word));
        Assert.Equal(javaHash, hash);
        Assert.Equal(partitionOf3, HashPartitioner.Partition(hash, 3));
        Assert.Equal(partitionOf7, HashPartitioner.Partition(hash, 7));
    }

    [Fact]
    public void TextHashCode_NegativeHash_MaskedNotNegated()
    {
        // (−1017 & 0x7fffffff) = 2147482631 = 3·715827543 + 2; a plain Math.Abs would give 1017 % 3 = 0.
        Assert.Equal(2, HashPartitioner.Partition(-1017, 3));
        Assert.Equal(0, HashPartitioner.Partition(int.MinValue, 3));
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(3L, 3)]
    [InlineData(-1L, 0)]            // 0xffffffff ^ 0xffffffff
    [InlineData(4294967296L, 1)]    // 2^32: low 0 ^ high 1
    [InlineData(1234567890123L, 1912276436)]
    public void LongHashCode_MatchesJava(long value, int javaHash)
    {
        Assert.Equal(javaHash, HadoopKeys.LongHashCode(value));
    }

    [Theory]
    [InlineData("a", "b")]
    [InlineData("a", "aa")]
    [InlineData("Z", "a")]          // bytes, not culture: upper case first
    [InlineData("z", "é")]          // 0x7A < 0xC3
    [InlineData("\uffff", "😀")]    // EF BF BF < F0 9F 98 80, though UTF-16 ordinal says FFFF > D83D
    public void TextOrder_UnsignedBytes(string smaller, string larger)
    {
        var a = Encoding.UTF8.GetBytes(smaller);
        var b = Encoding.UTF8.GetBytes(larger);
        Assert.True(HadoopKeys.TextOrder.Compare(a, b) < 0);
        Assert.True(HadoopKeys.TextOrder.Compare(b, a) > 0);
        Assert.Equal(0, HadoopKeys.TextOrder.Compare(a, (byte[])a.Clone()));
    }

    [Fact]
    public void Partition_NoReduces_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HashPartitioner.Partition(1, 0));
    }
}
