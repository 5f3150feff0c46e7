namespace Bridge.Eventing.Security.Tests;

public class RecordCipherTests
{
    private const string Topic = "bridge.tasks";

    private static readonly KeyRing Ring = KeyRing.Parse(TestKeys.TwoKeys);

    private static byte[] Plaintext(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + 3)).ToArray();

    private static RecordDecryptionFailure FailureOf(Action decrypt) => Assert.Throws<RecordDecryptionException>(decrypt).Reason;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(70_000)]
    public void EncryptDecrypt_RoundTrips_WithTheDocumentedLayout(int length)
    {
        var cipher = new RecordCipher(Ring);
        var sealedValue = cipher.Encrypt(Topic, Plaintext(length));
        Assert.Equal("k2", sealedValue.KeyId);
        Assert.Equal(length + RecordCipher.Overhead, sealedValue.Bytes.Length);
        Assert.Equal(1, sealedValue.Bytes[0]);
        Assert.Equal(Plaintext(length), cipher.Decrypt(Topic, sealedValue.KeyId, sealedValue.Bytes));
    }

    [Fact]
    public void Encrypt_SamePlaintextTwice_DifferentNonceAndCiphertext()
    {
        var cipher = new RecordCipher(Ring);
        var a = cipher.Encrypt(Topic, Plaintext(32)).Bytes;
        var b = cipher.Encrypt(Topic, Plaintext(32)).Bytes;
        Assert.NotEqual(a.AsSpan(1, 12).ToArray(), b.AsSpan(1, 12).ToArray());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Decrypt_AnyByteChanged_IsRefused()
    {
        var cipher = new RecordCipher(Ring);
        var original = cipher.Encrypt(Topic, Plaintext(40)).Bytes;
        for (var i = 0; i < original.Length; i++)
        {
            var tampered = (byte[])original.Clone();
            tampered[i] ^= 0x01;
            var expected = i == 0 ? RecordDecryptionFailure.UnknownVersion : RecordDecryptionFailure.TagMismatch;
            Assert.Equal(expected, FailureOf(() => cipher.Decrypt(Topic, "k2", tampered)));
        }
    }

    [Fact]
    public void Decrypt_AnotherTopic_IsRefused()
    {
        var cipher = new RecordCipher(Ring);
        var sealedValue = cipher.Encrypt(Topic, Plaintext(10));
        var e = Assert.Throws<RecordDecryptionException>(() => cipher.Decrypt("bridge.tasks2", sealedValue.KeyId, sealedValue.Bytes));
        Assert.Equal(RecordDecryptionFailure.TagMismatch, e.Reason);
        Assert.Equal("bridge.tasks2", e.Topic);
    }

    [Fact]
    public void Decrypt_RelabelledWithAnotherKeyIdOfTheRing_IsRefused()
    {
        // k1 and k2 both exist: the label alone must not let k1 be tried as if it sealed the record.
        var cipher = new RecordCipher(Ring);
        var sealedValue = cipher.Encrypt(Topic, Plaintext(10));
        Assert.Equal(RecordDecryptionFailure.TagMismatch, FailureOf(() => cipher.Decrypt(Topic, "k1", sealedValue.Bytes)));
    }

    [Fact]
    public void Decrypt_SameKeyIdButAnotherKey_IsRefused()
    {
        var other = new RecordCipher(KeyRing.Parse($"k2 {TestKeys.Base64(50)}"));
        var sealedValue = new RecordCipher(Ring).Encrypt(Topic, Plaintext(10));
        Assert.Equal(RecordDecryptionFailure.TagMismatch, FailureOf(() => other.Decrypt(Topic, "k2", sealedValue.Bytes)));
    }

    [Fact]
    public void Decrypt_UnknownKeyId_SaysSo()
    {
        var cipher = new RecordCipher(Ring);
        var sealedValue = cipher.Encrypt(Topic, Plaintext(10));
        var e = Assert.Throws<RecordDecryptionException>(() => cipher.Decrypt(Topic, "k9", sealedValue.Bytes));
        Assert.Equal(RecordDecryptionFailure.UnknownKeyId, e.Reason);
        Assert.Contains("'k9'", e.Message);
        Assert.Equal(RecordDecryptionFailure.UnknownKeyId, FailureOf(() => cipher.Decrypt(Topic, "not a key id\n", sealedValue.Bytes)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(28)]
    public void Decrypt_ShorterThanTheOverhead_IsTruncated(int length)
    {
        var cipher = new RecordCipher(Ring);
        var bytes = cipher.Encrypt(Topic, Plaintext(10)).Bytes.AsSpan(0, length).ToArray();
        Assert.Equal(RecordDecryptionFailure.Truncated, FailureOf(() => cipher.Decrypt(Topic, "k2", bytes)));
    }

    [Fact]
    public void Decrypt_OtherVersion_IsUnknownVersion()
    {
        var cipher = new RecordCipher(Ring);
        var bytes = cipher.Encrypt(Topic, Plaintext(10)).Bytes;
        bytes[0] = 2;
        var e = Assert.Throws<RecordDecryptionException>(() => cipher.Decrypt(Topic, "k2", bytes));
        Assert.Equal(RecordDecryptionFailure.UnknownVersion, e.Reason);
        Assert.Contains("format version 2", e.Message);
    }

    [Fact]
    public void Rotation_OldKeyStillDecrypts_NewKeyEncrypts()
    {
        var before = new RecordCipher(Ring);
        var old = before.Encrypt(Topic, Plaintext(20));
        var after = new RecordCipher(Ring.Rotate("k3"));
        var fresh = after.Encrypt(Topic, Plaintext(20));
        Assert.Equal("k3", fresh.KeyId);
        Assert.Equal(Plaintext(20), after.Decrypt(Topic, old.KeyId, old.Bytes));
        Assert.Equal(Plaintext(20), after.Decrypt(Topic, fresh.KeyId, fresh.Bytes));
        // A node still on the old ring cannot read the new key's records, and says why.
        Assert.Equal(RecordDecryptionFailure.UnknownKeyId, FailureOf(() => before.Decrypt(Topic, fresh.KeyId, fresh.Bytes)));
    }

    [Fact]
    public void EncryptDecrypt_LongTopic_RoundTrips()
    {
        var topic = new string('t', 600) + "é";
        var cipher = new RecordCipher(Ring);
        var sealedValue = cipher.Encrypt(topic, Plaintext(5));
        Assert.Equal(Plaintext(5), cipher.Decrypt(topic, "k2", sealedValue.Bytes));
        Assert.Equal(RecordDecryptionFailure.TagMismatch, FailureOf(() => cipher.Decrypt(topic[..^1], "k2", sealedValue.Bytes)));
    }

    [Fact]
    public void EncryptDecrypt_ManyThreadsAtOnce_AllRoundTrip()
    {
        var cipher = new RecordCipher(Ring.Rotate("k3"));
        var old = new RecordCipher(Ring).Encrypt(Topic, Plaintext(64));
        var failures = 0;
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var plaintext = Plaintext(i % 300);
            var sealedValue = cipher.Encrypt($"topic-{i % 5}", plaintext);
            if (!cipher.Decrypt($"topic-{i % 5}", sealedValue.KeyId, sealedValue.Bytes).AsSpan().SequenceEqual(plaintext)) Interlocked.Increment(ref failures);
            if (!cipher.Decrypt(Topic, old.KeyId, old.Bytes).AsSpan().SequenceEqual(Plaintext(64))) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public void Encrypt_EmptyTopic_Throws() => Assert.ThrowsAny<ArgumentException>(() => new RecordCipher(Ring).Encrypt("", Plaintext(1)));
}
