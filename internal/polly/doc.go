// Package polly is Amazon Polly (API 2016-06-10, restJson1): speech a
// person can listen to, from text or Polly's SSML.
//
// A request flows: validation in Polly's order and wording (prepare) →
// the text or SSML becomes a script (ssml.go): Polly's dialect is checked
// element by element (InvalidSsmlException with the byte position),
// lexicons are applied word by word, and the result is espeak-ng's SSML
// dialect, cut into sentence chunks that remember each word's byte range
// in the input → package tts runs espeak-ng as a separate process (it is
// GPL; nimbus never links it) → package encode resamples and encodes
// (PCM, mu-law, A-law in Go; MP3, Vorbis, Opus by lame, oggenc and
// opusenc, fed while espeak-ng is still speaking when no resampling is
// needed). A long text is spoken in parts at once, one per core, cut
// between sentences; MP3 frames and raw samples concatenate.
//
// Voices are a table (voices.go): every VoiceId of the API with AWS's
// language, gender and engines, and the espeak-ng language, variant, pitch
// and rate that speak for it, so no two voices of a language sound alike.
// The engine only selects which voices are allowed; all engines sound the
// same.
//
// Speech marks synthesize each sentence on its own: sentence times are
// where the synthesizer put them; words are spread over their sentence's
// voiced span by espeak-ng's phoneme transcription.
//
// Lexicons and synthesis tasks are kept in storage per account and region.
// Tasks run in the background, at most two at a time, write their output
// through Options.Objects (S3) and resume after a restart.
package polly
