// Java Avro (Debian's libavro-java) as an independent peer for Bridge's Avro schema tests.
// Reads a JSON array of strings on stdin: schema texts, unless the first argument is "bytes",
// in which case each string's UTF-8 bytes are fingerprinted as they are. Writes a JSON array with
// one result per string: {"ok":true,"canonical":...,"fingerprint":"<16 hex digits>"} from
// SchemaNormalization.toParsingForm and parsingFingerprint64 (or fingerprint64 of the bytes),
// or {"ok":false,"error":...}. Run as a single source file: java -cp <jars> SchemaPeer.java [bytes]
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.codehaus.jackson.map.ObjectMapper;

public class SchemaPeer {
  public static void main(String[] args) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    String[] texts = mapper.readValue(System.in, String[].class);
    boolean bytes = args.length > 0 && args[0].equals("bytes");
    List<Map<String, Object>> results = new ArrayList<>();
    for (String text : texts) {
      Map<String, Object> result = new LinkedHashMap<>();
      try {
        if (bytes) {
          result.put("fingerprint", hex(SchemaNormalization.fingerprint64(text.getBytes(StandardCharsets.UTF_8))));
        } else {
          Schema schema = new Schema.Parser().parse(text);
          result.put("canonical", SchemaNormalization.toParsingForm(schema));
          result.put("fingerprint", hex(SchemaNormalization.parsingFingerprint64(schema)));
        }
        result.put("ok", true);
      } catch (Exception | StackOverflowError e) { // deeply nested mutants overflow Java's parser
        result.put("ok", false);
        result.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      results.add(result);
    }
    mapper.writeValue(System.out, results);
  }

  private static String hex(long value) {
    return String.format("%016x", value);
  }
}
