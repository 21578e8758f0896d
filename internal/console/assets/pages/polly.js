// Polly: a speak box with a voice picker; the MP3 Polly returns plays in
// an <audio> element (a blob URL: the response never leaves the page).
import { h, clear, section, field, run } from "../ui.js";
import { restJson } from "../api.js";

let lastURL = null;

export async function render(main) {
  const voices = (await restJson("polly", "GET", "/v1/voices")).Voices
    .sort((a, b) => (a.LanguageName + a.Name).localeCompare(b.LanguageName + b.Name));
  const byLang = new Map();
  for (const v of voices) {
    if (!byLang.has(v.LanguageName)) byLang.set(v.LanguageName, []);
    byLang.get(v.LanguageName).push(v);
  }
  const voice = h("select", { id: "polly-voice" }, [...byLang].map(([lang, vs]) =>
    h("optgroup", { label: lang }, vs.map((v) => h("option", { value: v.Id }, `${v.Name} (${v.Gender}, ${v.LanguageCode})`)))));
  voice.value = localStorage.getItem("nimbus.voice") || (voices.some((v) => v.Id === "Joanna") ? "Joanna" : voices[0]?.Id);
  const engine = h("select", { id: "polly-engine" }, h("option", { value: "standard" }, "standard"), h("option", { value: "neural" }, "neural"));
  const format = h("select", { id: "polly-format" }, ["mp3", "ogg_vorbis", "pcm"].map((f) => h("option", { value: f }, f)));
  const textIn = h("textarea", { id: "polly-text" });
  textIn.value = "Hello from nimbus. This is Amazon Polly, running on your machine.";
  const player = h("audio", { id: "polly-audio", controls: true });
  const out = h("p", { class: "status", id: "polly-status" });
  const btn = h("button", { id: "polly-speak", onclick: () => run(btn, out, async () => {
    localStorage.setItem("nimbus.voice", voice.value);
    const body = { Text: textIn.value, VoiceId: voice.value, OutputFormat: format.value, Engine: engine.value };
    if (format.value === "pcm") body.SampleRate = "16000";
    const res = await restJson("polly", "POST", "/v1/speech", { body, raw: true });
    const blob = await res.blob();
    if (lastURL) URL.revokeObjectURL(lastURL);
    lastURL = URL.createObjectURL(blob);
    player.src = lastURL;
    player.play().catch(() => { /* autoplay may be refused; the controls remain */ });
    return `${blob.size} bytes of ${res.headers.get("content-type")}, ${res.headers.get("x-amzn-requestcharacters")} characters.`;
  }) }, "Speak");
  clear(main, h("h1", {}, "Polly ", h("span", { class: "crumb" }, "text to speech")),
    section("Speak", h("div", { class: "row" }, field("Voice", voice), field("Engine", engine), field("Format", format)),
      textIn, btn, out, player));
}
