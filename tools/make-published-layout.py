"""Writes fixtures/published-layout/: a tiny model folder in exactly the layout of the published
pbelcak/UltraFastBERT-1x11-long, made from fixtures/reference/crammed-fff-mlm, and
fixtures/published-layout-expected-ids.json: the ids Hugging Face tokenizers (Rust) gives for a corpus.

The published folder was written by the reference's push_to_hub (training/cramming/backend/torch_default.py):
- config.json by PretrainedConfig.save_pretrained: crammedBertConfig keeps the arch config under `arch`,
  `model_type` "crammedBERT", keys sorted, indent 2;
- model.safetensors by save_pretrained(safe_serialization=True): the state dict with tied weights stored once,
  so no `decoder.weight` (the word embedding), metadata {"format": "pt"};
- the tokenizer by PreTrainedTokenizerFast.push_to_hub: tokenizer.json as the tokenizers library writes it
  (cramming/data/tokenizer_preparation.py: the sane normalizer sequence with force_lowercase, strip_accents and
  force_english_keyboard as in data/bookcorpus-wikipedia.yaml, Whitespace, WordPiece with <unk>, the template
  `$A <sep>` / `<cls> $A <sep> $B <sep>`), tokenizer_config.json and special_tokens_map.json;
- arch_budget_hours_24.json and data_budget_hours_24.json: json.dumps(config, indent=4).

Run once, by hand: `pip install tokenizers` then `python3 tools/make-published-layout.py` from the repository root.
Only tokenizers (the Rust library) is needed; the safetensors file is rewritten with the standard library.
"""

import json
import os
import struct

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(ROOT, "fixtures", "reference", "crammed-fff-mlm")
TARGET = os.path.join(ROOT, "fixtures", "published-layout")
EXPECTED_IDS = os.path.join(ROOT, "fixtures", "published-layout-expected-ids.json")

# tokenizer_preparation._get_sane_token_args. The trainer puts them first in list(set(...)) order,
# which Python's string hashing makes arbitrary; <pad> is placed at 0, the arch's pad_token_id.
SPECIAL_TOKENS = dict(pad_token="<pad>", bos_token="<s>", eos_token="</s>", unk_token="<unk>", cls_token="<cls>", sep_token="<sep>", mask_token="<mask>")
SPECIAL_ORDER = ["<pad>", "<s>", "</s>", "<unk>", "<cls>", "<sep>", "<mask>"]

# 90 pieces so that the vocabulary has the fixture model's 97 entries: letters and their continuations
# (every ASCII word can be spelled), digits, punctuation (a lone backquote survives the `` -> " rule), a few words.
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
PIECES = (
    LETTERS
    + ["##" + c for c in LETTERS]
    + [str(d) for d in range(10)]
    + list(".,!?\"'()-:;`")
    + ["the", "of", "is", "capital", "paris", "france", "cafe", "cre", "##pe", "##ed", "naive", "rome", "italy", "##ing", "##1", "##2"]
)

CORPUS = [
    "The capital of France is <mask>.",
    "UNBELIEVABLE Crêpes at the CAFÉ!!!",
    "Naïve café, résumé, Ångström, façade, jalapeño",
    "``quoted'' and `single` backquotes, ``nested `ones` too''",
    "runs   of    spaces,\ttabs\tand\nnewlines\n\n  here  ",
    "punctuation...!?;: (brackets) [square] {curly} - dashes -- and/or 'quotes'",
    "numbers 12345, 3.14159, 2023-11-21, 1,000,000 and 42nd",
    "日本語 text with CJK characters 中文 and 한국어",
    "emoji 😀🎉 inside text 👍🏽 and ❤️",
    "Ελληνικά ΟΔΟΣ, русский текст, עברית, العربية",
    "full-width ＡＢＣ１２３ and ligatures ﬁne ﬀ, superscripts x² ½",
    "Rome is the capital of Italy, Paris of France <mask> <mask>",
    "<mask>paris<mask> <MASK> [MASK] <cls> <sep> <unk>",
    "under_score snake_case CamelCase ALLCAPS",
    "",
    "   ",
]
PAIRS = [["The capital of France is <mask>.", "Paris is in France."], ["café", "CAFÉ"]]


def normalizer_sequence():
    """tokenizer_preparation._get_sane_normalizers(force_lowercase=True, strip_accents=True, force_english_keyboard=True)."""
    return normalizers.Sequence(
        [
            normalizers.Replace("``", '"'),
            normalizers.Replace("''", '"'),
            normalizers.NFD(),
            normalizers.Lowercase(),
            normalizers.StripAccents(),
            normalizers.Replace(Regex(" {2,}"), " "),
            normalizers.Replace(Regex(r"[^\x00-\x7F]+"), ""),
        ]
    )


def unicode_kept_sequence():
    """The published sequence without its last rule, Replace(Regex(r"[^\\x00-\\x7F]+"), "")."""
    return normalizers.Sequence(
        [
            normalizers.Replace("``", '"'),
            normalizers.Replace("''", '"'),
            normalizers.NFD(),
            normalizers.Lowercase(),
            normalizers.StripAccents(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )


def make_tokenizer():
    vocab = {token: i for i, token in enumerate(SPECIAL_ORDER + PIECES)}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token=SPECIAL_TOKENS["unk_token"]))
    tokenizer.normalizer = normalizer_sequence()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    # The trainer registers the special tokens as added special tokens (ids already in the vocabulary).
    tokenizer.add_special_tokens(SPECIAL_ORDER)
    # data/bookcorpus-wikipedia.yaml: include_cls_token_in_corpus False, include_sep_token_in_corpus True, use_type_ids False.
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A <sep>",
        pair="<cls>:0 $A:0 <sep>:0 $B:0 <sep>:0",
        special_tokens=[("<cls>", vocab["<cls>"]), ("<sep>", vocab["<sep>"])],
    )
    return tokenizer


def tokenizer_config(tokenizer):
    """What transformers' PreTrainedTokenizerFast.save_pretrained writes for the reference's wrapped tokenizer."""
    added = {
        str(tokenizer.token_to_id(token)): {"content": token, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False, "special": True}
        for token in SPECIAL_ORDER
    }
    return {
        "added_tokens_decoder": added,
        **SPECIAL_TOKENS,
        "clean_up_tokenization_spaces": True,
        "model_max_length": 16,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    body = data[8 + length :]
    metadata = header.pop("__metadata__", None)
    tensors = {name: (entry["dtype"], entry["shape"], body[entry["data_offsets"][0] : entry["data_offsets"][1]]) for name, entry in header.items()}
    return metadata, tensors


def write_safetensors(path, metadata, tensors):
    """The layout the safetensors library writes: __metadata__, entries by name, header padded with spaces to 8 bytes."""
    header = {"__metadata__": metadata}
    offset = 0
    for name in sorted(tensors):
        dtype, shape, raw = tensors[name]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(tensors[name][2] for name in sorted(tensors)))


def write_json(path, value, indent):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(value, indent=indent, sort_keys=indent == 2, ensure_ascii=False) + ("\n" if indent == 2 else ""))


def main():
    os.makedirs(TARGET, exist_ok=True)
    with open(os.path.join(SOURCE, "model_config.json"), encoding="utf-8") as f:
        arch = json.load(f)

    metadata, tensors = read_safetensors(os.path.join(SOURCE, "model.safetensors"))
    assert tensors["decoder.weight"][2] == tensors["encoder.embedding.word_embedding.weight"][2], "decoder.weight must be the tied word embedding"
    del tensors["decoder.weight"]
    write_safetensors(os.path.join(TARGET, "model.safetensors"), {"format": "pt"}, tensors)

    config = {"arch": arch, "architectures": ["ScriptableLMForPreTraining"], "model_type": "crammedBERT", "torch_dtype": "float32", "transformers_version": "4.35.2"}
    write_json(os.path.join(TARGET, "config.json"), config, 2)
    write_json(os.path.join(TARGET, "arch_budget_hours_24.json"), arch, 4)
    data = {
        "name": "bookcorpus-wikitext",
        "normalizer": {"force_lowercase": True, "strip_accents": True, "force_english_keyboard": True, "whitespace_escape": False},
        "tokenizer": "WordPiece",
        "vocab_size": arch["embedding"]["vocab_size"],
        "seq_length": arch["embedding"]["max_seq_length"],
        "include_cls_token_in_corpus": False,
        "include_sep_token_in_corpus": True,
        "use_type_ids": False,
    }
    write_json(os.path.join(TARGET, "data_budget_hours_24.json"), data, 4)

    tokenizer = make_tokenizer()
    assert tokenizer.get_vocab_size() == arch["embedding"]["vocab_size"], tokenizer.get_vocab_size()
    tokenizer.save(os.path.join(TARGET, "tokenizer.json"))
    write_json(os.path.join(TARGET, "tokenizer_config.json"), tokenizer_config(tokenizer), 2)
    write_json(os.path.join(TARGET, "special_tokens_map.json"), SPECIAL_TOKENS, 2)

    singles = [{"text": text, "ids": tokenizer.encode(text).ids, "tokens": tokenizer.encode(text).tokens} for text in CORPUS]
    pairs = [{"text": pair, "ids": tokenizer.encode(*pair).ids} for pair in PAIRS]
    normalized = [{"text": text, "normalized": tokenizer.normalizer.normalize_str(text)} for text in CORPUS]
    # The same tokenizer without the English-keyboard rule: non-ASCII text then reaches Lowercase and the
    # Whitespace pre-tokenizer, where a JavaScript port is easily wrong (final sigma, Unicode word characters).
    tokenizer.normalizer = unicode_kept_sequence()
    unicode_kept = [
        {"text": text, "normalized": tokenizer.normalizer.normalize_str(text), "pre_tokens": [piece for piece, _ in tokenizer.pre_tokenizer.pre_tokenize_str(tokenizer.normalizer.normalize_str(text))], "ids": tokenizer.encode(text).ids}
        for text in CORPUS
    ]
    import tokenizers

    expected = {"tokenizers_version": tokenizers.__version__, "singles": singles, "pairs": pairs, "normalized": normalized, "unicode_kept": unicode_kept}
    write_json(EXPECTED_IDS, expected, 2)


if __name__ == "__main__":
    main()
