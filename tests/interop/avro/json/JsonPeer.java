// Java Avro (Debian's libavro-java 1.8.2) as an independent peer for Bridge's Avro JSON encoding
// tests: org.apache.avro.io.JsonEncoder and JsonDecoder (the specification's JSON encoding) with
// GenericDatumReader/GenericDatumWriter. Reads on stdin a JSON array of requests
//   [{"schema": text, "binary": [hex], "json": [text]}, ...]
// and writes one answer per request, [{"fromBinary": [...], "fromJson": [...]}, ...]: each binary
// datum decoded and written by JsonEncoder ({"json": text}), each JSON text read by JsonDecoder and
// written in the binary encoding ({"binary": hex}); an item Java refuses gives {"error": "..."} in
// its place. One JVM for a whole batch: starting one costs about a second.
// Run as a single source file: java -cp <jars> JsonPeer.java
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.codehaus.jackson.JsonNode;
import org.codehaus.jackson.map.ObjectMapper;

public class JsonPeer {
  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<Map<String, Object>> answers = new ArrayList<>();
    for (JsonNode request : mapper.readTree(System.in)) answers.add(answer(request));
    mapper.writeValue(System.out, answers);
  }

  private static Map<String, Object> answer(JsonNode request) throws Exception {
    Schema schema = new Schema.Parser().parse(request.get("schema").getTextValue());
    GenericDatumReader<Object> reader = new GenericDatumReader<>(schema);
    GenericDatumWriter<Object> writer = new GenericDatumWriter<>(schema);
    List<Map<String, Object>> fromBinary = new ArrayList<>();
    for (JsonNode item : request.get("binary")) {
      Map<String, Object> result = new LinkedHashMap<>();
      try {
        Object datum = reader.read(null, DecoderFactory.get().binaryDecoder(unhex(item.getTextValue()), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(schema, out);
        writer.write(datum, encoder);
        encoder.flush();
        result.put("json", out.toString("UTF-8"));
      } catch (Exception e) {
        result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      fromBinary.add(result);
    }
    List<Map<String, Object>> fromJson = new ArrayList<>();
    for (JsonNode item : request.get("json")) {
      Map<String, Object> result = new LinkedHashMap<>();
      try {
        Object datum = reader.read(null, DecoderFactory.get().jsonDecoder(schema, item.getTextValue()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(datum, encoder);
        encoder.flush();
        result.put("binary", hex(out.toByteArray()));
      } catch (Exception e) {
        result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      fromJson.add(result);
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("fromBinary", fromBinary);
    answer.put("fromJson", fromJson);
    return answer;
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
