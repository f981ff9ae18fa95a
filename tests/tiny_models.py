"""Tiny, randomly initialised video pipelines, saved with save_pretrained: the way diffusers tests itself.

Component sizes follow `get_dummy_components` in diffusers' own pipeline tests. Those pull a tiny T5
from the hub; offline, the tokenizer is built in memory instead (a Unigram vocabulary of letters).
"""

from __future__ import annotations

import string
from pathlib import Path

import torch

TEXT_DIM = 32


def tokenizer():
    from transformers import T5Tokenizer

    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    pieces += [(f"▁{letter}", -3.0) for letter in string.ascii_lowercase]
    pieces += [(letter, -4.0) for letter in string.ascii_lowercase + string.digits + ".,'!?-:;()"]
    return T5Tokenizer(vocab=pieces, extra_ids=0)


def t5_encoder(umt5: bool = False):
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    options = dict(vocab_size=128, d_model=TEXT_DIM, d_ff=37, d_kv=8, num_layers=2, num_heads=4,
                   relative_attention_num_buckets=8, dropout_rate=0.0)
    torch.manual_seed(0)
    return UMT5EncoderModel(UMT5Config(**options)) if umt5 else T5EncoderModel(T5Config(**options))


def ltx(folder: Path) -> Path:
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline, LTXVideoTransformer3DModel

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
                                             num_layers=1, caption_channels=TEXT_DIM)
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                decoder_layers_per_block=(1, 1, 1, 1, 1),
                                spatio_temporal_scaling=(True, True, False, False),
                                decoder_spatio_temporal_scaling=(True, True, False, False),
                                decoder_inject_noise=(False, False, False, False, False),
                                upsample_residual=(False, False, False, False), upsample_factor=(1, 1, 1, 1),
                                timestep_conditioning=False, patch_size=1, patch_size_t=1, encoder_causal=True,
                                decoder_causal=False)
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    pipe = LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                       text_encoder=t5_encoder(), tokenizer=tokenizer())
    pipe.save_pretrained(folder)
    return folder


def _wan_parts(in_channels: int, image_dim: int | None = None, pos_embed_seq_len: int | None = None):
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanTransformer3DModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    extra = {"image_dim": image_dim} if image_dim else {}
    if pos_embed_seq_len:
        extra["pos_embed_seq_len"] = pos_embed_seq_len
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                        in_channels=in_channels, out_channels=16, text_dim=TEXT_DIM, freq_dim=256,
                                        ffn_dim=32, num_layers=2, cross_attn_norm=True,
                                        qk_norm="rms_norm_across_heads", rope_max_seq_len=32, **extra)
    return dict(vae=vae, transformer=transformer, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
                text_encoder=t5_encoder(umt5=True), tokenizer=tokenizer())


def _clip_vision(image_size: int, hidden: int = 4, patch: int = 1, layers: int = 2, heads: int = 2, inner: int = 16):
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=hidden, projection_dim=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        image_size=image_size, intermediate_size=inner, patch_size=patch))
    return encoder, CLIPImageProcessor(crop_size=image_size, size=image_size)


def wan_t2v(folder: Path) -> Path:
    from diffusers import WanPipeline

    WanPipeline(**_wan_parts(16)).save_pretrained(folder)
    return folder


def wan_i2v(folder: Path, first_last: bool = False) -> Path:
    from diffusers import WanImageToVideoPipeline

    encoder, processor = _clip_vision(32)
    # the first/last-frame model embeds the tokens of both images: 2 x (32 x 32 patches + the class token)
    parts = _wan_parts(36, image_dim=4, pos_embed_seq_len=2 * (32 * 32 + 1) if first_last else None)
    WanImageToVideoPipeline(**parts, image_encoder=encoder, image_processor=processor).save_pretrained(folder)
    return folder


def _cogvideox_vae():
    from diffusers import AutoencoderKLCogVideoX

    torch.manual_seed(0)
    return AutoencoderKLCogVideoX(in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
                                  up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
                                  latent_channels=4, layers_per_block=1, norm_num_groups=2,
                                  temporal_compression_ratio=4)


def cogvideox_t2v(folder: Path) -> Path:
    from diffusers import CogVideoXPipeline, CogVideoXTransformer3DModel, DDIMScheduler

    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(num_attention_heads=4, attention_head_dim=8, in_channels=4,
                                              out_channels=4, time_embed_dim=2, text_embed_dim=TEXT_DIM, num_layers=1,
                                              sample_width=2, sample_height=2, sample_frames=9, patch_size=2,
                                              temporal_compression_ratio=4, max_text_seq_length=16)
    CogVideoXPipeline(transformer=transformer, vae=_cogvideox_vae(), scheduler=DDIMScheduler(),
                      text_encoder=t5_encoder(), tokenizer=tokenizer()).save_pretrained(folder)
    return folder


def cogvideox_i2v(folder: Path) -> Path:
    from diffusers import CogVideoXImageToVideoPipeline, CogVideoXTransformer3DModel, DDIMScheduler

    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(num_attention_heads=2, attention_head_dim=16, in_channels=8,
                                              out_channels=4, time_embed_dim=2, text_embed_dim=TEXT_DIM, num_layers=1,
                                              # learned position embeddings fix the size: 8 latents = 64 pixels
                                              sample_width=8, sample_height=8, sample_frames=9, patch_size=2,
                                              temporal_compression_ratio=4, max_text_seq_length=16,
                                              use_rotary_positional_embeddings=True,
                                              use_learned_positional_embeddings=True)
    CogVideoXImageToVideoPipeline(transformer=transformer, vae=_cogvideox_vae(), scheduler=DDIMScheduler(),
                                  text_encoder=t5_encoder(), tokenizer=tokenizer()).save_pretrained(folder)
    return folder


def svd(folder: Path) -> Path:
    from diffusers import (AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, StableVideoDiffusionPipeline,
                           UNetSpatioTemporalConditionModel)

    torch.manual_seed(0)
    unet = UNetSpatioTemporalConditionModel(block_out_channels=(32, 64), layers_per_block=2, sample_size=32,
                                            in_channels=8, out_channels=4,
                                            down_block_types=("CrossAttnDownBlockSpatioTemporal",
                                                              "DownBlockSpatioTemporal"),
                                            up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
                                            cross_attention_dim=32, num_attention_heads=8,
                                            projection_class_embeddings_input_dim=96, addition_time_embed_dim=32)
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       interpolation_type="linear", num_train_timesteps=1000,
                                       prediction_type="v_prediction", sigma_max=700.0, sigma_min=0.002,
                                       steps_offset=1, timestep_spacing="leading", timestep_type="continuous",
                                       use_karras_sigmas=True)
    torch.manual_seed(0)
    vae = AutoencoderKLTemporalDecoder(block_out_channels=[32, 64], in_channels=3, out_channels=3,
                                       down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"], latent_channels=4)
    # with PIL images the pipeline resizes to 224 for CLIP, so the tiny encoder takes 224-pixel images
    encoder, processor = _clip_vision(224, hidden=32, patch=14, layers=2, heads=4, inner=37)
    StableVideoDiffusionPipeline(vae=vae, image_encoder=encoder, unet=unet, scheduler=scheduler,
                                 feature_extractor=processor).save_pretrained(folder)
    return folder


def gemma_tokenizer():
    """A Gemma tokenizer of single characters, built in memory (transformers 5 takes a vocabulary)."""
    from transformers import GemmaTokenizer

    specials = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_image>", "<end_of_image>", "<image_soft_token>"]
    characters = list(string.ascii_letters + string.digits + " .,!?'-:\"")
    return GemmaTokenizer(vocab={token: index for index, token in enumerate(specials + ["\u2581"] + characters)},
                          merges=[])


def ltx2(folder: Path) -> Path:
    """LTX-2: video with sound. The Gemma 3 text encoder's hidden size must be 32 (the connectors' 4 heads x 8);
    the vocoder's upsampling must multiply to the mel hop (160), or the sound comes out far shorter than the
    picture (../shared/notes/models-2026.md)."""
    from diffusers import (AutoencoderKLLTX2Audio, AutoencoderKLLTX2Video, FlowMatchEulerDiscreteScheduler,
                           LTX2Pipeline, LTX2VideoTransformer3DModel)
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration

    words = gemma_tokenizer()
    torch.manual_seed(0)
    encoder = Gemma3ForConditionalGeneration(Gemma3Config(
        text_config=dict(vocab_size=len(words), hidden_size=32, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=8, max_position_embeddings=256,
                         sliding_window=64),
        vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                           image_size=32, patch_size=8),
        mm_tokens_per_image=4, boi_token_index=5, eoi_token_index=6, image_token_index=7))
    hidden, layers = encoder.config.text_config.hidden_size, encoder.config.text_config.num_hidden_layers
    torch.manual_seed(0)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2, attention_head_dim=8,
        cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4, audio_num_attention_heads=2,
        audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2, qk_norm="rms_norm_across_heads",
        caption_channels=hidden, rope_double_precision=False, rope_type="split")
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=hidden, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8, video_connector_num_layers=1, video_connector_num_learnable_registers=None,
        audio_connector_num_attention_heads=4, audio_connector_attention_head_dim=8, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None, connector_rope_base_seq_len=32, rope_theta=10000.0,
        rope_double_precision=False, causal_temporal_positioning=False, rope_type="split")
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8,), decoder_block_out_channels=(8,),
        layers_per_block=(1,), decoder_layers_per_block=(1, 1), spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,), decoder_inject_noise=(False, False), downsample_type=("spatial",),
        upsample_residual=(False,), upsample_factor=(1,), timestep_conditioning=False, patch_size=1, patch_size_t=1,
        encoder_causal=True, decoder_causal=False)
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1,), num_res_blocks=1, attn_resolutions=None, in_channels=2,
        resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height", dropout=0.0,
        mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8)
    torch.manual_seed(0)
    vocoder = LTX2Vocoder(in_channels=audio_vae.config.output_channels * audio_vae.config.mel_bins, hidden_channels=32,
                          out_channels=2, upsample_kernel_sizes=[20, 8, 8], upsample_factors=[10, 4, 4],
                          resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]], leaky_relu_negative_slope=0.1,
                          output_sampling_rate=16000)
    LTX2Pipeline(transformer=transformer, vae=vae, audio_vae=audio_vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                 text_encoder=encoder, tokenizer=words, connectors=connectors, vocoder=vocoder).save_pretrained(folder)
    return folder


def wan_vace(folder: Path) -> Path:
    """Wan VACE: reference images, a first and a last frame, all in one pipeline."""
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanVACEPipeline, WanVACETransformer3DModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    transformer = WanVACETransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                            in_channels=16, out_channels=16, text_dim=TEXT_DIM, freq_dim=256, ffn_dim=32,
                                            num_layers=3, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                            rope_max_seq_len=32, vace_layers=[0, 2], vace_in_channels=96)
    WanVACEPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
                    text_encoder=t5_encoder(umt5=True), tokenizer=tokenizer()).save_pretrained(folder)
    return folder


def mistral_tokenizer():
    """A Mistral-style tokenizer of single characters with a chat template that takes a list of parts (Flux2's
    text encoder is Mistral 3: its prompt goes through the chat template)."""
    from transformers import LlamaTokenizer

    specials = ["<unk>", "[IMG]", "<s>", "</s>", "<pad>"]
    characters = list(string.ascii_letters + string.digits + " .,!?'-:\"()")
    tokenizer = LlamaTokenizer(vocab={token: index for index, token in enumerate(specials + ["\u2581"] + characters)},
                               merges=[], pad_token="<pad>")
    tokenizer.chat_template = (
        "{% for m in messages %}{% if m['content'] is string %}{{ m['content'] }}{% else %}{% for c in m['content'] %}"
        "{% if c['type'] == 'text' %}{{ c['text'] }}{% else %}[IMG]{% endif %}{% endfor %}{% endif %}{% endfor %}")
    return tokenizer


def flux2(folder: Path) -> Path:
    """FLUX.2: an image from text and several reference images (keyframes). Its tiny Mistral 3 encoder has one layer,
    so a call must ask for `text_encoder_out_layers=(1,)` (the default reads layers 10, 20 and 30)."""
    from diffusers import AutoencoderKLFlux2, FlowMatchEulerDiscreteScheduler, Flux2Pipeline, Flux2Transformer2DModel
    from transformers import Mistral3Config, Mistral3ForConditionalGeneration

    tokenizer = mistral_tokenizer()
    torch.manual_seed(0)
    transformer = Flux2Transformer2DModel(patch_size=1, in_channels=4, num_layers=1, num_single_layers=1,
                                          attention_head_dim=16, num_attention_heads=2, joint_attention_dim=16,
                                          timestep_guidance_channels=256, axes_dims_rope=[4, 4, 4, 4])
    config = Mistral3Config(
        text_config={"model_type": "mistral", "vocab_size": len(tokenizer), "hidden_size": 16, "intermediate_size": 37,
                     "max_position_embeddings": 512, "num_attention_heads": 4, "num_hidden_layers": 1,
                     "num_key_value_heads": 2, "rms_norm_eps": 1e-05, "rope_theta": 1e9, "sliding_window": None,
                     "bos_token_id": 2, "eos_token_id": 3, "pad_token_id": 4},
        vision_config={"model_type": "pixtral", "hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 4,
                       "intermediate_size": 37, "image_size": 30, "patch_size": 6, "num_channels": 3},
        bos_token_id=2, eos_token_id=3, pad_token_id=4, image_seq_length=4, vision_feature_layer=-1, image_token_index=1)
    torch.manual_seed(0)
    encoder = Mistral3ForConditionalGeneration(config)
    torch.manual_seed(0)
    vae = AutoencoderKLFlux2(sample_size=32, in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",),
                             up_block_types=("UpDecoderBlock2D",), block_out_channels=(4,), layers_per_block=1,
                             latent_channels=1, norm_num_groups=1, use_quant_conv=False, use_post_quant_conv=False)
    Flux2Pipeline(scheduler=FlowMatchEulerDiscreteScheduler(), text_encoder=encoder, tokenizer=tokenizer,
                  transformer=transformer, vae=vae).save_pretrained(folder)
    return folder


def clip_tokenizer():
    """A CLIP tokenizer of single bytes, built in memory (its maximum length must be 77, as the real one's)."""
    from tokenizers.pre_tokenizers import ByteLevel
    from transformers import CLIPTokenizer

    characters = sorted(ByteLevel.alphabet())
    tokens = ["<|startoftext|>", "<|endoftext|>"] + characters + [character + "</w>" for character in characters]
    return CLIPTokenizer(vocab={token: index for index, token in enumerate(tokens)}, merges=[], model_max_length=77)


def flux_kontext(folder: Path) -> Path:
    """FLUX.1 Kontext: an image from text and one conditioning image (several references go in as one canvas)."""
    from diffusers import AutoencoderKL, FlowMatchEulerDiscreteScheduler, FluxKontextPipeline, FluxTransformer2DModel
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel

    clip, t5 = clip_tokenizer(), tokenizer()
    torch.manual_seed(0)
    transformer = FluxTransformer2DModel(patch_size=1, in_channels=4, num_layers=1, num_single_layers=1,
                                         attention_head_dim=16, num_attention_heads=2, joint_attention_dim=32,
                                         pooled_projection_dim=32, axes_dims_rope=[4, 4, 8])
    torch.manual_seed(0)
    clip_encoder = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=32, intermediate_size=37,
                                                num_attention_heads=4, num_hidden_layers=2, pad_token_id=1,
                                                vocab_size=len(clip), projection_dim=32))
    torch.manual_seed(0)
    t5_encoder_model = T5EncoderModel(T5Config(vocab_size=len(t5), d_model=32, d_ff=37, d_kv=8, num_heads=4, num_layers=2))
    torch.manual_seed(0)
    vae = AutoencoderKL(sample_size=32, in_channels=3, out_channels=3, block_out_channels=(4,), layers_per_block=1,
                        latent_channels=1, norm_num_groups=1, use_quant_conv=False, use_post_quant_conv=False,
                        shift_factor=0.0609, scaling_factor=1.5035)
    FluxKontextPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), text_encoder=clip_encoder,
                        text_encoder_2=t5_encoder_model, tokenizer=clip, tokenizer_2=t5, transformer=transformer, vae=vae,
                        image_encoder=None, feature_extractor=None).save_pretrained(folder)
    return folder


def skyreels_df(folder: Path) -> Path:
    """SkyReels-V2 diffusion forcing (text-to-video; its image-to-video and video-to-video pipelines load the same
    weights), Wan-sized parts."""
    from diffusers import (AutoencoderKLWan, SkyReelsV2DiffusionForcingPipeline, SkyReelsV2Transformer3DModel,
                           UniPCMultistepScheduler)

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    transformer = SkyReelsV2Transformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                               in_channels=16, out_channels=16, text_dim=TEXT_DIM, freq_dim=256,
                                               ffn_dim=32, num_layers=2, cross_attn_norm=True,
                                               qk_norm="rms_norm_across_heads", rope_max_seq_len=32)
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=8.0)
    SkyReelsV2DiffusionForcingPipeline(vae=vae, transformer=transformer, scheduler=scheduler,
                                       text_encoder=t5_encoder(umt5=True), tokenizer=tokenizer()).save_pretrained(folder)
    return folder
