/* SPDX-License-Identifier: MIT */
/*
 * The helpers declared in tests/lib/channel_fixture.h, which says what they are for.
 */
#include "tests/lib/channel_fixture.h"

void
fx_chan_keys_for (guint8 seed_byte, FxChanKeys *k)
{
  guint8 seed[crypto_sign_SEEDBYTES];
  memset (seed, seed_byte, sizeof seed);
  crypto_sign_seed_keypair (k->pk, k->sk, seed);
}

/* Registers id and brings it to `status` through allowed transitions. */
void
fx_chan_add (ModelChannelRegistry *reg, const char *id, int tier, const char *parent,
             guint8 seed_byte, ModelChannelStatus status)
{
  g_autoptr (GError) error = NULL;
  FxChanKeys k;
  fx_chan_keys_for (seed_byte, &k);
  g_assert_true (model_channel_registry_apply (reg, id, "测试渠道", MODEL_CHANNEL_CLASS_BANK,
                                               tier, parent, k.pk, NOW, &error));
  g_assert_no_error (error);
  static const ModelChannelStatus path[] = {
    MODEL_CHANNEL_CERTIFIED, MODEL_CHANNEL_LIVE, MODEL_CHANNEL_RECTIFICATION,
  };
  if (status == MODEL_CHANNEL_APPLIED)
    return;
  if (status == MODEL_CHANNEL_TERMINATED || status == MODEL_CHANNEL_SUSPENDED)
    {
      for (int i = 0; i < 2; i++)
        g_assert_true (model_channel_registry_set_status (reg, id, path[i], NOW, NULL));
      g_assert_true (model_channel_registry_set_status (reg, id, status, NOW, NULL));
      return;
    }
  for (int i = 0; i < 3; i++)
    {
      g_assert_true (model_channel_registry_set_status (reg, id, path[i], NOW, &error));
      g_assert_no_error (error);
      if (path[i] == status)
        return;
    }
}

/* A signed request from seed_byte's key; parent_seed 0: not countersigned. */
void
fx_chan_make_request (ModelChannelRequest *req, const char *id, const char *relay, gint64 ts,
                      guint8 nonce_byte, const char *body, guint8 seed_byte, guint8 parent_seed)
{
  g_autoptr (GError) error = NULL;
  guint8 nonce[MODEL_CHANNEL_NONCE_LEN];
  FxChanKeys k;
  memset (nonce, nonce_byte, sizeof nonce);
  g_assert_true (model_channel_request_init (req, id, relay, ts, nonce, "card.query",
                                             (const guint8 *) body, strlen (body), &error));
  g_assert_no_error (error);
  fx_chan_keys_for (seed_byte, &k);
  g_assert_true (model_channel_request_sign (req, k.sk, &error));
  if (parent_seed != 0)
    {
      fx_chan_keys_for (parent_seed, &k);
      g_assert_true (model_channel_request_countersign (req, k.sk, &error));
    }
  g_assert_no_error (error);
}

gboolean
fx_chan_verify (ModelChannelRegistry *reg, const ModelChannelRequest *req, const char *body,
                gint64 now, GError **error)
{
  return model_channel_registry_verify (reg, req, (const guint8 *) body, strlen (body), now,
                                        error);
}
