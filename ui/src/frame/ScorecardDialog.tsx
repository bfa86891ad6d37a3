import { useRef, useState } from "react";
import { Button, FieldError, Input, Label, TextField } from "react-aria-components";
import { useTranslation } from "react-i18next";

import { errorMessage, fieldErrors } from "../api/commands";
import { useAddReviewCriterion, useRenameReviewCriterion, useRetireReviewCriterion, useReviewCriteria } from "../api/reviews";
import type { ReviewCriterion } from "../bindings";
import { DialogFrame } from "../components/DialogFrame";
import { FormError } from "../components/FormParts";
import { TextInput } from "../components/TextInput";

/** The desk refuses a ninth criterion; the dialog says so before it is asked. */
export const MAX_CRITERIA = 8;

/** Where focus goes back to once a row stops being edited or asked about. */
type Focus = { id: string; on: "edit" | "remove" } | null;

/** The review scorecard (administrators of a desk that is not connected): the criteria
 * supervisors score from 1 to 5, in order; add one at the end, rename one in its row, or take
 * one off (earlier reviews keep their scores). A refusal shows under its field and keeps what
 * was typed. */
export function ScorecardDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const criteria = useReviewCriteria();
  const add = useAddReviewCriterion();
  const [name, setName] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [focus, setFocus] = useState<Focus>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const list = criteria.data ?? [];
  const full = list.length >= MAX_CRITERIA;
  const errors = fieldErrors(add.error);

  const submit = () => {
    if (add.isPending || full) return;
    add.mutate(name, { onSuccess: () => setName("") });
  };
  const edit = (id: string) => {
    setRemoving(null);
    setEditing(id);
  };
  const remove = (id: string) => {
    setEditing(null);
    setRemoving(id);
  };
  const back = (id: string, on: "edit" | "remove") => {
    setEditing(null);
    setRemoving(null);
    setFocus({ id, on });
  };

  return (
    <DialogFrame isOpen onClose={onClose} title={t("scorecard.title")} testId="scorecard-dialog" width={520}>
      <div className="dialog-body">
        <p className="muted">{t("scorecard.explain")}</p>
        {criteria.isError ? (
          <p className="field-error" role="alert">
            {t("scorecard.loadFailed", { message: errorMessage(criteria.error) })}
          </p>
        ) : criteria.isSuccess && list.length === 0 ? (
          <p className="scorecard-empty muted" data-testid="scorecard-empty">
            {t("scorecard.empty")}
          </p>
        ) : (
          <ol className="scorecard-list" aria-label={t("scorecard.criteria")} aria-busy={criteria.isPending || undefined}>
            {list.map((c, i) => (
              <li
                key={c.id}
                className="scorecard-row"
                data-testid="scorecard-row"
                data-editing={editing === c.id || undefined}
                data-removing={removing === c.id || undefined}
              >
                <span className="scorecard-position" aria-hidden="true">
                  {i + 1}
                </span>
                {editing === c.id ? (
                  <RenameCriterion criterion={c} onDone={() => back(c.id, "edit")} />
                ) : removing === c.id ? (
                  <RemoveCriterion
                    criterion={c}
                    onKeep={() => back(c.id, "remove")}
                    onRemoved={() => {
                      setRemoving(null);
                      nameRef.current?.focus();
                    }}
                  />
                ) : (
                  <>
                    <span className="scorecard-name">{c.name}</span>
                    <Button
                      className="button small"
                      aria-label={t("scorecard.editNamed", { name: c.name })}
                      onPress={() => edit(c.id)}
                      autoFocus={focus?.id === c.id && focus.on === "edit"}
                      data-testid="scorecard-edit"
                    >
                      {t("scorecard.edit")}
                    </Button>
                    <Button
                      className="button small quiet-danger"
                      aria-label={t("scorecard.removeNamed", { name: c.name })}
                      onPress={() => remove(c.id)}
                      autoFocus={focus?.id === c.id && focus.on === "remove"}
                      data-testid="scorecard-remove"
                    >
                      {t("scorecard.remove")}
                    </Button>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
        <form
          noValidate
          className="scorecard-add"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <TextInput
            name="criterion_name"
            label={t("scorecard.newName")}
            placeholder={t("scorecard.placeholder")}
            hint={full ? t("scorecard.full", { max: MAX_CRITERIA }) : t("scorecard.hint", { max: MAX_CRITERIA })}
            value={name}
            onChange={setName}
            error={errors.name}
            rule="criterion_name"
            inputRef={nameRef}
            autoFocus
            testId="scorecard-name"
          />
          <Button type="submit" className="button primary" isDisabled={add.isPending || full} data-testid="scorecard-add">
            {t("scorecard.add")}
          </Button>
        </form>
        <FormError error={add.error} />
      </div>
      <div className="dialog-actions">
        <Button className="button" onPress={onClose} data-testid="scorecard-done">
          {t("scorecard.done")}
        </Button>
      </div>
    </DialogFrame>
  );
}

/** The row as a field: Enter or Save renames, Esc or Cancel leaves the name as it was. */
function RenameCriterion({ criterion, onDone }: { criterion: ReviewCriterion; onDone: () => void }) {
  const { t } = useTranslation();
  const rename = useRenameReviewCriterion();
  const [name, setName] = useState(criterion.name);
  const error = fieldErrors(rename.error).name;

  return (
    <form
      noValidate
      className="scorecard-rename"
      onSubmit={(e) => {
        e.preventDefault();
        if (rename.isPending) return;
        if (name === criterion.name) onDone();
        else rename.mutate({ id: criterion.id, name }, { onSuccess: onDone });
      }}
    >
      <TextField
        className="text-field"
        name="criterion_rename"
        value={name}
        onChange={setName}
        isInvalid={Boolean(error)}
        validationBehavior="aria"
        autoFocus
        onKeyDown={(e) => {
          // Esc leaves this row's field, not the whole dialog.
          if (e.key === "Escape") onDone();
          else e.continuePropagation();
        }}
      >
        <Label className="visually-hidden">{t("scorecard.renameLabel", { name: criterion.name })}</Label>
        <Input className="input" data-testid="scorecard-rename" />
        <FieldError className="field-error">{error}</FieldError>
        {rename.isError && !error ? (
          <span className="field-error" role="alert">
            {errorMessage(rename.error)}
          </span>
        ) : null}
      </TextField>
      <Button type="submit" className="button small primary" isDisabled={rename.isPending} data-testid="scorecard-save">
        {t("scorecard.save")}
      </Button>
      <Button className="button small" onPress={onDone}>
        {t("common.cancel")}
      </Button>
    </form>
  );
}

/** Asks before taking a criterion off, and says what happens to the reviews that scored it. */
function RemoveCriterion({
  criterion,
  onKeep,
  onRemoved,
}: {
  criterion: ReviewCriterion;
  onKeep: () => void;
  onRemoved: () => void;
}) {
  const { t } = useTranslation();
  const retire = useRetireReviewCriterion();
  const questionId = `scorecard-remove-${criterion.id}`;

  return (
    <div
      className="scorecard-confirm"
      role="group"
      aria-labelledby={questionId}
      onKeyDown={(e) => {
        // Esc keeps the criterion and the dialog open.
        if (e.key !== "Escape") return;
        e.stopPropagation();
        onKeep();
      }}
    >
      <p id={questionId} className="scorecard-question">
        {t("scorecard.removeConfirm", { name: criterion.name })}{" "}
        <span className="muted">{t("scorecard.removeNote")}</span>
      </p>
      <div className="scorecard-confirm-actions">
        <Button className="button small" onPress={onKeep} autoFocus>
          {t("scorecard.keep")}
        </Button>
        <Button
          className="button small danger"
          isDisabled={retire.isPending}
          onPress={() => retire.mutate(criterion.id, { onSuccess: onRemoved })}
          data-testid="scorecard-remove-confirm"
        >
          {t("scorecard.removeYes")}
        </Button>
      </div>
      {retire.isError ? (
        <p className="field-error" role="alert">
          {errorMessage(retire.error)}
        </p>
      ) : null}
    </div>
  );
}
