using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bridge.Eventing.Schemas.Registry;
using Microsoft.AspNetCore.Http;

namespace Bridge.Eventing.Schemas.Http;

/// <summary>
/// One HTTP answer of the registry: a status and a body, always with Confluent's content type
/// <c>application/vnd.schemaregistry.v1+json</c>. Errors have Confluent's shape,
/// <c>{"error_code": 40401, "message": "Subject 'x' not found."}</c>.
/// </summary>
internal sealed class ApiResponse
{
    /// <summary>The content type of every response (Confluent's v1 media type).</summary>
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private ApiResponse(int status, byte[] body)
    {
        Status = status;
        Body = body;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The body bytes (UTF-8 JSON).</summary>
    public byte[] Body { get; }

    /// <summary>200 with the JSON value <paramref name="write"/> writes.</summary>
    public static ApiResponse Json(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) write(writer);
        return new ApiResponse(status, buffer.WrittenSpan.ToArray());
    }

    /// <summary>200 with a JSON object whose members <paramref name="members"/> writes.</summary>
    public static ApiResponse Object(Action<Utf8JsonWriter> members) => Json(w =>
    {
        w.WriteStartObject();
        members(w);
        w.WriteEndObject();
    });

    /// <summary>200 with <paramref name="json"/> as the body, unchanged (a raw schema).</summary>
    public static ApiResponse Raw(string json) => new(StatusCodes.Status200OK, Encoding.UTF8.GetBytes(json));

    /// <summary>A registry error with its Confluent code and the HTTP status of that code's family (404, 409, 422, 500).</summary>
    public static ApiResponse Error(RegistryError error)
    {
        var code = RegistryErrors.Code(error.Kind);
        var status = code switch
        {
            409 => StatusCodes.Status409Conflict,
            >= 40400 and < 40500 => StatusCodes.Status404NotFound,
            >= 42200 and < 42300 => StatusCodes.Status422UnprocessableEntity,
            _ => StatusCodes.Status500InternalServerError,
        };
        return Error(status, code, error.Message);
    }

    /// <summary>An error outside the registry's own codes (malformed request, unknown route): <c>error_code</c> is <paramref name="code"/>.</summary>
    public static ApiResponse Error(int status, int code, string message) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("error_code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
    }, status);

    /// <summary>Sends the response.</summary>
    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body).AsTask();
    }
}
