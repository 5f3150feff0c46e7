// Java Avro (Debian's libavro-java 1.8.2) as an independent single-object peer for Bridge's tests:
// its org.apache.avro.message.BinaryMessageDecoder and BinaryMessageEncoder (the specification's
// single-object encoding, with Java's own CRC-64-AVRO fingerprint check). Reads on stdin a JSON
// object {"schema": text, "messages": [hex]}; decodes each message as a generic datum and encodes
// that datum again; writes {"reencoded": [hex]} or, for a message Java refuses, the error in its
// place as {"error": "..."} entries of "errors". Run as a single source file:
// java -cp <jars> SingleObjectPeer.java
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.codehaus.jackson.JsonNode;
import org.codehaus.jackson.map.ObjectMapper;

public class SingleObjectPeer {
  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode request = mapper.readTree(System.in);
    Schema schema = new Schema.Parser().parse(request.get("schema").getTextValue());
    BinaryMessageDecoder<Object> decoder = new BinaryMessageDecoder<>(GenericData.get(), schema);
    BinaryMessageEncoder<Object> encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
    List<String> reencoded = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (JsonNode message : request.get("messages")) {
      try {
        Object datum = decoder.decode(unhex(message.getTextValue()));
        ByteBuffer bytes = encoder.encode(datum);
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        reencoded.add(hex(copy));
      } catch (Exception e) {
        reencoded.add(null);
        errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("reencoded", reencoded);
    answer.put("errors", errors);
    mapper.writeValue(System.out, answer);
  }

  private static byte[] unhex(String text) {
    byte[] bytes = new byte[text.length() / 2];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
    return bytes;
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) text.append(String.format("%02X", b));
    return text.toString();
  }
}
