using Bridge.Kernel.Allocation;
using Bridge.Kernel.Protocol;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Bridge.Kernel.Master.Registry;

/// <summary>
/// How registries store what they keep as text and bytes: an agent's checkpointed resources as <c>bridge.v1.Resource</c>
/// messages (each length-delimited, field 1 of a repeated field), quota amounts in the text form <c>cpus:4;mem:4096</c>.
/// Decoding failures are <see cref="RegistryException"/>s naming the store and the record.
/// </summary>
internal static class CheckpointedCodec
{
    private static readonly uint ResourceTag = WireFormat.MakeTag(1, WireFormat.WireType.LengthDelimited);
    private static readonly FieldCodec<V1.Resource> ResourceCodec = FieldCodec.ForMessage(ResourceTag, V1.Resource.Parser);

    public static byte[] Encode(Resources resources)
    {
        var wire = ResourceConversion.ToWire(resources);
        var bytes = new byte[wire.CalculateSize(ResourceCodec)];
        var output = new CodedOutputStream(bytes);
        wire.WriteTo(output, ResourceCodec);
        output.Flush();
        return bytes;
    }

    /// <exception cref="RegistryException">The bytes are not resources.</exception>
    public static Resources Decode(byte[] bytes, string store, string agent)
    {
        try
        {
            var wire = new RepeatedField<V1.Resource>();
            var input = new CodedInputStream(bytes);
            uint tag;
            while ((tag = input.ReadTag()) != 0)
                if (tag == ResourceTag) wire.AddEntriesFrom(input, ResourceCodec);
                else input.SkipLastField();
            return ResourceConversion.ToModel(wire, "checkpointed");
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidMessageException)
        {
            throw new RegistryException($"Registry {store}: the checkpointed resources of agent {agent} are malformed: {e.Message}", e);
        }
    }

    /// <exception cref="RegistryException">The text is not resource amounts.</exception>
    public static ResourceQuantities Quantities(string text, string store, string role)
    {
        if (text.Length == 0) return ResourceQuantities.Empty;
        try
        {
            return ResourceQuantities.Parse(text);
        }
        catch (ResourceParseException e)
        {
            throw new RegistryException($"Registry {store}: the quota of role {role} is malformed: {e.Message}", e);
        }
    }
}
